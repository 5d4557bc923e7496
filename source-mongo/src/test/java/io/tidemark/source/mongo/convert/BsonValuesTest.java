package io.tidemark.source.mongo.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.tidemark.core.value.JsonText;
import io.tidemark.core.value.Value;
import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;
import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonBinarySubType;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDbPointer;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonJavaScript;
import org.bson.BsonJavaScriptWithScope;
import org.bson.BsonMaxKey;
import org.bson.BsonMinKey;
import org.bson.BsonNull;
import org.bson.BsonObjectId;
import org.bson.BsonRegularExpression;
import org.bson.BsonString;
import org.bson.BsonSymbol;
import org.bson.BsonTimestamp;
import org.bson.BsonUndefined;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

class BsonValuesTest {
  private static final UUID ID = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");

  @Test
  void scalarsMapToTheirOwnVariant() {
    assertThat(BsonValues.toValue(null)).isEqualTo(new Value.Missing());
    assertThat(BsonValues.toValue(BsonNull.VALUE)).isEqualTo(new Value.Null());
    assertThat(BsonValues.toValue(new BsonString("hé"))).isEqualTo(new Value.Text("hé"));
    assertThat(BsonValues.toValue(new BsonInt32(-3))).isEqualTo(new Value.Int32(-3));
    assertThat(BsonValues.toValue(new BsonInt64(1L << 40))).isEqualTo(new Value.Int64(1L << 40));
    assertThat(BsonValues.toValue(new BsonDouble(2.5))).isEqualTo(new Value.Double(2.5));
    assertThat(BsonValues.toValue(BsonBoolean.FALSE)).isEqualTo(new Value.Bool(false));
    assertThat(BsonValues.toValue(new BsonDateTime(-1_000))).isEqualTo(new Value.DateTime(-1_000));
    assertThat(BsonValues.toValue(new BsonObjectId(new ObjectId("65a1b2c3d4e5f60718293a4b"))))
        .isEqualTo(new Value.ObjectId("65a1b2c3d4e5f60718293a4b"));
  }

  @Test
  void decimal128KeepsItsExactValueAndSpecials() {
    assertThat(BsonValues.toValue(new BsonDecimal128(Decimal128.parse("12.340"))))
        .isEqualTo(new Value.Decimal(new BigDecimal("12.340"), null));
    assertThat(BsonValues.toValue(new BsonDecimal128(Decimal128.NaN)))
        .isEqualTo(new Value.Decimal(null, "NaN"));
    assertThat(BsonValues.toValue(new BsonDecimal128(Decimal128.NEGATIVE_NaN)))
        .isEqualTo(new Value.Decimal(null, "NaN"));
    assertThat(BsonValues.toValue(new BsonDecimal128(Decimal128.POSITIVE_INFINITY)))
        .isEqualTo(new Value.Decimal(null, "Infinity"));
    assertThat(BsonValues.toValue(new BsonDecimal128(Decimal128.NEGATIVE_INFINITY)))
        .isEqualTo(new Value.Decimal(null, "-Infinity"));
  }

  @Test
  void decimal128NegativeZeroIsAValue() {
    assertThatCode(() -> BsonValues.toValue(new BsonDecimal128(Decimal128.NEGATIVE_ZERO)))
        .doesNotThrowAnyException();
    Value v = BsonValues.toValue(new BsonDecimal128(Decimal128.parse("-0.00")));
    assertThat(v)
        .isInstanceOfSatisfying(
            Value.Decimal.class, d -> assertThat(d.value()).isEqualByComparingTo(BigDecimal.ZERO));
    assertThat(v)
        .as("zero for numeric columns, the source's text for JSON")
        .isEqualTo(new Value.Decimal(new BigDecimal("0.00"), "-0.00"));
    assertThat(JsonText.of(v)).isEqualTo("{\"$numberDecimal\":\"-0.00\"}");
    assertThat(BsonValues.toValue(new BsonDecimal128(Decimal128.parse("0.00"))))
        .isEqualTo(new Value.Decimal(new BigDecimal("0.00"), null));
  }

  @Test
  void singleValuesWriteTheSameJsonAsTheDriver() {
    // A jsonb column of one field must hold what the document column holds for it.
    List<BsonValue> values =
        List.of(
            new BsonDateTime(1_700_000_000_100L),
            new BsonDateTime(1_700_000_000_000L),
            new BsonDateTime(1_700_000_000_123L),
            new BsonDateTime(-1L),
            new BsonDateTime(253402300800000L),
            new BsonDecimal128(Decimal128.parse("-0")),
            new BsonDecimal128(Decimal128.parse("1.23E+10")),
            new BsonDecimal128(Decimal128.parse("1E-6143")),
            new BsonDecimal128(Decimal128.parse("-1234567890123456789012345678901.234")),
            new BsonDecimal128(Decimal128.NaN),
            new BsonInt64(Long.MIN_VALUE),
            // (Characters outside the BMP the driver escapes as \\uXXXX pairs: the same JSON.)
            new BsonString("q\"\\\n\u0001 é"),
            new BsonBinary(UUID.fromString("3b241101-e2bb-4255-8caf-4136c566a962")),
            new BsonBinary(new byte[] {0, 1, (byte) 0xff}),
            new BsonObjectId(new ObjectId("65a1b2c3d4e5f60718293a4b")));
    for (BsonValue v : values) {
      assertThat(JsonText.of(BsonValues.toValue(v)).replace(" ", ""))
          .as("%s", v)
          .isEqualTo(BsonValues.toJson(v, BsonValues.RELAXED).replace(" ", ""));
    }
  }

  @Test
  void binarySubtype4IsAUuidAndOtherSubtypesStayBinary() {
    assertThat(BsonValues.toValue(BsonValues.uuid(ID))).isEqualTo(new Value.Uuid(ID));
    assertThat(BsonValues.toValue(new BsonBinary(BsonBinarySubType.UUID_STANDARD, new byte[16])))
        .isEqualTo(new Value.Uuid(new UUID(0, 0)));

    Value generic = BsonValues.toValue(new BsonBinary(new byte[] {1, 2, (byte) 0xff}));
    assertThat(generic)
        .isInstanceOfSatisfying(
            Value.Binary.class,
            b -> {
              assertThat(b.subtype()).isZero();
              assertThat(b.bytes()).containsExactly(1, 2, 0xff);
            });
    Value legacyUuid =
        BsonValues.toValue(new BsonBinary(BsonBinarySubType.UUID_LEGACY, new byte[16]));
    assertThat(legacyUuid)
        .isInstanceOfSatisfying(Value.Binary.class, b -> assertThat(b.subtype()).isEqualTo(3));
    Value userDefined = BsonValues.toValue(new BsonBinary((byte) 0x80, new byte[] {7}));
    assertThat(userDefined)
        .isInstanceOfSatisfying(Value.Binary.class, b -> assertThat(b.subtype()).isEqualTo(0x80));
    // subtype 4 of the wrong length is not a UUID
    Value shortUuid =
        BsonValues.toValue(new BsonBinary(BsonBinarySubType.UUID_STANDARD, new byte[8]));
    assertThat(shortUuid)
        .isInstanceOfSatisfying(Value.Binary.class, b -> assertThat(b.subtype()).isEqualTo(4));
  }

  @Test
  void typesWithoutAScalarFormAreJsonWithTheirTypeName() {
    assertJson(
        new BsonDocument("a", new BsonInt32(1)).append("d", new BsonDateTime(0)),
        "Document",
        "{\"a\": 1, \"d\": {\"$date\": \"1970-01-01T00:00:00Z\"}}");
    assertJson(
        new BsonRegularExpression("^a.*", "i"),
        "Regex",
        "{\"$regularExpression\": {\"pattern\": \"^a.*\", \"options\": \"i\"}}");
    assertJson(new BsonMinKey(), "MinKey", "{\"$minKey\": 1}");
    assertJson(new BsonMaxKey(), "MaxKey", "{\"$maxKey\": 1}");
    assertJson(
        new BsonTimestamp(1_700_000_000, 4),
        "Timestamp",
        "{\"$timestamp\": {\"t\": 1700000000, \"i\": 4}}");
    assertJson(new BsonJavaScript("return 1"), "JavaScript", "{\"$code\": \"return 1\"}");
    assertJson(new BsonSymbol("sym"), "Symbol", "{\"$symbol\": \"sym\"}");
    assertJson(new BsonUndefined(), "Undefined", "{\"$undefined\": true}");
    assertThat(BsonValues.toValue(new BsonJavaScriptWithScope("x", new BsonDocument())).typeName())
        .isEqualTo("JavaScriptWithScope");
    assertThat(BsonValues.toValue(new BsonDbPointer("db.coll", new ObjectId())).typeName())
        .isEqualTo("DBPointer");
  }

  @Test
  void anArrayKeepsItsJsonAndConvertsItsElements() {
    BsonArray array =
        new BsonArray(
            List.of(
                new BsonInt32(1),
                new BsonString("x"),
                BsonNull.VALUE,
                new BsonDocument("a", new BsonInt64(2)),
                new BsonArray(List.of(new BsonDouble(0.5)))));
    Value value = BsonValues.toValue(array);

    assertThat(value.typeName()).isEqualTo("Array");
    assertThat(value)
        .isEqualTo(
            new Value.Array(
                List.of(
                    new Value.Int32(1),
                    new Value.Text("x"),
                    new Value.Null(),
                    new Value.Json("Document", "{\"a\": 2}"),
                    new Value.Array(List.of(new Value.Double(0.5)), "[0.5]")),
                "[1, \"x\", null, {\"a\": 2}, [0.5]]"));
  }

  @Test
  void aRawArrayReadsItsElementsInOrder() {
    RawBsonDocument raw = RawBsonDocument.parse("{\"a\": [\"p\", 7, [true]]}");
    Value.Array value = (Value.Array) BsonValues.toValue(raw.get("a"));
    List<Value> read = new java.util.ArrayList<>();
    value.elements().forEach(read::add);

    assertThat(read)
        .containsExactly(
            new Value.Text("p"),
            new Value.Int32(7),
            new Value.Array(List.of(new Value.Bool(true)), "[true]"));
    assertThat(value.elements().get(1)).isEqualTo(new Value.Int32(7));
  }

  private static void assertJson(BsonValue bson, String typeName, String json) {
    assertThat(BsonValues.toValue(bson)).isEqualTo(new Value.Json(typeName, json));
  }

  @Test
  void canonicalJsonOfEveryTypeRoundTrips() {
    List<BsonValue> values =
        List.of(
            BsonNull.VALUE,
            new BsonString("with \"quotes\", colons: and } braces"),
            new BsonInt32(7),
            new BsonInt64(Long.MAX_VALUE),
            new BsonDouble(0.1),
            new BsonDouble(Double.NaN),
            new BsonDecimal128(Decimal128.parse("-12.50")),
            new BsonDecimal128(Decimal128.NEGATIVE_ZERO),
            BsonBoolean.TRUE,
            new BsonDateTime(-62_135_596_800_001L),
            new BsonObjectId(new ObjectId()),
            BsonValues.uuid(ID),
            new BsonBinary((byte) 0x80, new byte[] {0, 1}),
            new BsonArray(List.of(new BsonInt32(1), new BsonDocument("k", new BsonInt64(2)))),
            new BsonRegularExpression("a}b", "m"),
            new BsonTimestamp(-1, -1),
            new BsonJavaScript("f()"),
            new BsonSymbol("s"),
            new BsonMinKey(),
            new BsonMaxKey(),
            new BsonUndefined(),
            new BsonDbPointer("db.c", new ObjectId()),
            new BsonJavaScriptWithScope("x", new BsonDocument("y", new BsonInt32(1))));
    for (BsonValue v : values) {
      String json = BsonValues.toJson(v, BsonValues.CANONICAL);
      assertThat(BsonValues.parseCanonical(json)).as("%s -> %s", v, json).isEqualTo(v);
    }
  }

  @Test
  void toJsonOfAScalarIsJustTheValue() {
    assertThat(BsonValues.toJson(new BsonInt32(7), BsonValues.CANONICAL))
        .isEqualTo("{\"$numberInt\": \"7\"}");
    assertThat(BsonValues.toJson(new BsonInt32(7), BsonValues.RELAXED)).isEqualTo("7");
    assertThat(BsonValues.toJson(new BsonString("a:b}"), BsonValues.RELAXED)).isEqualTo("\"a:b}\"");
    assertThat(BsonValues.toJson(new BsonDocument("a", new BsonInt32(1)), BsonValues.RELAXED))
        .isEqualTo("{\"a\": 1}");
  }
}
