package io.tidemark.core.value;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.core.testing.JsonCheck;
import java.math.BigDecimal;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JsonTextTest {

  @Test
  void quoteEscapesQuotesBackslashesAndControlCharacters() {
    assertThat(JsonText.quote("plain")).isEqualTo("\"plain\"");
    assertThat(JsonText.quote("say \"hi\"")).isEqualTo("\"say \\\"hi\\\"\"");
    assertThat(JsonText.quote("C:\\temp")).isEqualTo("\"C:\\\\temp\"");
    assertThat(JsonText.quote("a\nb\rc\td\be\ff")).isEqualTo("\"a\\nb\\rc\\td\\be\\ff\"");
    assertThat(JsonText.quote("\u0000\u0001\u001f")).isEqualTo("\"\\u0000\\u0001\\u001f\"");
    // not control characters: kept as they are
    assertThat(JsonText.quote("\u007f é € \uD83D\uDE00 /"))
        .isEqualTo("\"\u007f é € \uD83D\uDE00 /\"");
    assertThat(JsonText.quote("")).isEqualTo("\"\"");
  }

  @Test
  void quotedEveryCharBelow128IsValidJson() {
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 128; c++) {
      all.append(c);
    }
    String json = JsonText.quote(all.toString());
    assertThat(JsonCheck.problem(json)).isNull();
  }

  @Test
  void doublesStayNumbersAndSpecialsUseNumberDouble() {
    assertThat(JsonText.of(new Value.Double(1.0))).isEqualTo("1.0");
    assertThat(JsonText.of(new Value.Double(-42.0))).isEqualTo("-42.0");
    assertThat(JsonText.of(new Value.Double(0.1))).isEqualTo("0.1");
    assertThat(JsonText.of(new Value.Double(123456789012345.0))).isEqualTo("123456789012345.0");
    assertThat(JsonText.of(new Value.Double(1e15))).isEqualTo("1.0E15");
    assertThat(JsonText.of(new Value.Double(2.5e-8))).isEqualTo("2.5E-8");
    assertThat(JsonText.of(new Value.Double(Double.NaN))).isEqualTo("{\"$numberDouble\":\"NaN\"}");
    assertThat(JsonText.of(new Value.Double(Double.POSITIVE_INFINITY)))
        .isEqualTo("{\"$numberDouble\":\"Infinity\"}");
    assertThat(JsonText.of(new Value.Double(Double.NEGATIVE_INFINITY)))
        .isEqualTo("{\"$numberDouble\":\"-Infinity\"}");
    for (double d :
        new double[] {1.0, -42.0, 1e15, 2.5e-8, Double.MAX_VALUE, Double.MIN_VALUE, -0.0}) {
      assertThat(JsonCheck.problem(JsonText.of(new Value.Double(d)))).as("%s", d).isNull();
    }
  }

  @Test
  void integersAndDecimals() {
    assertThat(JsonText.of(new Value.Int32(-5))).isEqualTo("-5");
    assertThat(JsonText.of(new Value.Int64(Long.MIN_VALUE))).isEqualTo("-9223372036854775808");
    assertThat(JsonText.of(new Value.Decimal(new BigDecimal("12.30"), null)))
        .isEqualTo("{\"$numberDecimal\":\"12.30\"}");
    assertThat(JsonText.of(new Value.Decimal(null, "-Infinity")))
        .isEqualTo("{\"$numberDecimal\":\"-Infinity\"}");
    assertThat(JsonText.of(new Value.Decimal(new BigDecimal("0.0"), "-0.0")))
        .as("a negative zero keeps its sign in JSON")
        .isEqualTo("{\"$numberDecimal\":\"-0.0\"}");
  }

  @Test
  void datesInTheIsoRangeAreReadable() {
    assertThat(JsonText.of(new Value.DateTime(0)))
        .isEqualTo("{\"$date\":\"1970-01-01T00:00:00Z\"}");
    assertThat(JsonText.of(new Value.DateTime(1_700_000_000_123L)))
        .isEqualTo("{\"$date\":\"2023-11-14T22:13:20.123Z\"}");
    assertThat(JsonText.of(new Value.DateTime(253402300799999L)))
        .isEqualTo("{\"$date\":\"9999-12-31T23:59:59.999Z\"}");
    assertThat(JsonText.of(new Value.DateTime(1_700_000_000_100L)))
        .as("only the fraction digits needed, as the MongoDB driver writes it")
        .isEqualTo("{\"$date\":\"2023-11-14T22:13:20.1Z\"}");
    assertThat(JsonText.of(new Value.DateTime(1_700_000_000_120L)))
        .isEqualTo("{\"$date\":\"2023-11-14T22:13:20.12Z\"}");
  }

  @Test
  void datesOutsideTheIsoRangeAreNumberLong() {
    assertThat(JsonText.of(new Value.DateTime(-1)))
        .isEqualTo("{\"$date\":{\"$numberLong\":\"-1\"}}");
    assertThat(JsonText.of(new Value.DateTime(253402300800000L)))
        .isEqualTo("{\"$date\":{\"$numberLong\":\"253402300800000\"}}");
    assertThat(JsonText.of(new Value.DateTime(Long.MIN_VALUE)))
        .isEqualTo("{\"$date\":{\"$numberLong\":\"-9223372036854775808\"}}");
  }

  @Test
  void otherTypes() {
    UUID id = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
    assertThat(JsonText.of(new Value.Text("a\"b"))).isEqualTo("\"a\\\"b\"");
    assertThat(JsonText.of(new Value.Bool(false))).isEqualTo("false");
    assertThat(JsonText.of(new Value.ObjectId("65a1b2c3d4e5f60718293a4b")))
        .isEqualTo("{\"$oid\":\"65a1b2c3d4e5f60718293a4b\"}");
    assertThat(JsonText.of(new Value.Uuid(id)))
        .as("as MongoDB writes a UUID: binary subtype 4")
        .isEqualTo("{\"$binary\":{\"base64\":\"Ej5FZ+ibEtOkVkJmFBdAAA==\",\"subType\":\"04\"}}");
    assertThat(JsonText.of(new Value.Binary(3, new byte[] {(byte) 0xff})))
        .isEqualTo("{\"$binary\":{\"base64\":\"/w==\",\"subType\":\"03\"}}");
    assertThat(JsonText.of(new Value.Json("Regex", "{\"$regularExpression\":{}}")))
        .isEqualTo("{\"$regularExpression\":{}}");
    assertThat(JsonText.of(new Value.Null())).isEqualTo("null");
    assertThat(JsonText.of(new Value.Missing())).isEqualTo("null");
  }
}
