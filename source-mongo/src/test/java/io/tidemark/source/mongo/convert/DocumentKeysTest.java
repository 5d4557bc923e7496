package io.tidemark.source.mongo.convert;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Date;
import java.util.UUID;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonMaxKey;
import org.bson.BsonMinKey;
import org.bson.BsonNull;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

class DocumentKeysTest {

  private static String key(BsonValue id) {
    return DocumentKeys.of(id).text();
  }

  @Test
  void objectIdIsItsHexDigits() {
    ObjectId id = new ObjectId("65a1b2c3d4e5f60718293a4b");
    assertThat(key(new BsonObjectId(id))).isEqualTo("65a1b2c3d4e5f60718293a4b");
  }

  @Test
  void stringIsItself() {
    assertThat(key(new BsonString("order-17"))).isEqualTo("order-17");
    assertThat(key(new BsonString(""))).isEqualTo("");
    assertThat(key(new BsonString("{\"$oid\": 1}"))).isEqualTo("\"{\\\"$oid\\\": 1}\"");
  }

  @Test
  void numbersMongoDbTreatsAsEqualGetTheSameKey() {
    assertThat(key(new BsonInt32(1))).isEqualTo("1");
    assertThat(key(new BsonInt64(1))).isEqualTo("1");
    assertThat(key(new BsonDouble(1.0))).isEqualTo("1");
    assertThat(key(new BsonDecimal128(Decimal128.parse("1.00")))).isEqualTo("1");
    assertThat(key(new BsonDecimal128(Decimal128.parse("1E+2")))).isEqualTo("100");
    assertThat(key(new BsonInt32(100))).isEqualTo("100");
    assertThat(key(new BsonDouble(-0.0))).isEqualTo("0");
    assertThat(key(new BsonInt32(0))).isEqualTo("0");
    assertThat(key(new BsonDecimal128(Decimal128.parse("0.000")))).isEqualTo("0");
  }

  @Test
  void fractionalAndLargeNumbersArePlainDigits() {
    assertThat(key(new BsonDouble(1.5))).isEqualTo("1.5");
    assertThat(key(new BsonDecimal128(Decimal128.parse("1.50")))).isEqualTo("1.5");
    assertThat(key(new BsonDouble(1e20))).isEqualTo("100000000000000000000");
    assertThat(key(new BsonInt64(Long.MIN_VALUE))).isEqualTo("-9223372036854775808");
    assertThat(key(new BsonDouble(-2.5e-3)))
        .isEqualTo(new java.math.BigDecimal(-2.5e-3).toPlainString());
  }

  /** MongoDB treats NumberDecimal("-0") as equal to 0, like -0.0. */
  @Test
  void decimalNegativeZeroIsZero() {
    assertThat(key(new BsonDecimal128(Decimal128.NEGATIVE_ZERO))).isEqualTo("0");
  }

  @Test
  void specialNumbersAreCanonicalOrJavaText() {
    assertThat(key(new BsonDecimal128(Decimal128.NaN))).isEqualTo("{\"$numberDecimal\": \"NaN\"}");
    assertThat(key(new BsonDecimal128(Decimal128.NEGATIVE_INFINITY)))
        .isEqualTo("{\"$numberDecimal\": \"-Infinity\"}");
    assertThat(key(new BsonDouble(Double.POSITIVE_INFINITY)))
        .isEqualTo("{\"$numberDouble\": \"Infinity\"}");
  }

  @Test
  void otherTypesAreCanonicalExtendedJson() {
    assertThat(key(new BsonDocument("a", new BsonInt32(1)).append("b", new BsonString("x"))))
        .isEqualTo("{\"a\": {\"$numberInt\": \"1\"}, \"b\": \"x\"}");
    assertThat(key(new BsonDateTime(0))).isEqualTo("{\"$date\": {\"$numberLong\": \"0\"}}");
    assertThat(key(BsonBoolean.TRUE)).isEqualTo("true");
    assertThat(key(new BsonTimestamp(5, 1))).isEqualTo("{\"$timestamp\": {\"t\": 5, \"i\": 1}}");
    assertThat(key(new BsonMinKey())).isEqualTo("{\"$minKey\": 1}");
    assertThat(key(new BsonMaxKey())).isEqualTo("{\"$maxKey\": 1}");
    assertThat(key(BsonNull.VALUE)).isEqualTo("null");
    assertThat(key(BsonValues.uuid(UUID.fromString("123e4567-e89b-12d3-a456-426614174000"))))
        .isEqualTo(
            "{\"$binary\": {\"base64\": \"Ej5FZ+ibEtOkVkJmFBdAAA==\", \"subType\": \"04\"}}");
  }

  @Test
  void canonicalKeysParseBackToTheSameValue() {
    for (BsonValue id :
        new BsonValue[] {
          new BsonDocument("x", new BsonInt64(5)),
          new BsonDateTime(new Date(1_700_000_000_000L).getTime()),
          new BsonTimestamp(1_700_000_000, 3),
          BsonValues.uuid(UUID.randomUUID()),
          new BsonMinKey()
        }) {
      assertThat(BsonValues.parseCanonical(key(id))).isEqualTo(id);
    }
  }

  @Test
  void equalIdsGiveEqualKeysAndDifferentOnesDifferentKeys() {
    assertThat(DocumentKeys.of(new BsonString("a")))
        .isEqualTo(DocumentKeys.of(new BsonString("a")));
    assertThat(DocumentKeys.of(new BsonInt32(2))).isNotEqualTo(DocumentKeys.of(new BsonInt32(20)));
    assertThat(DocumentKeys.of(new BsonDocument("a", new BsonInt32(1))))
        .isNotEqualTo(DocumentKeys.of(new BsonDocument("a", new BsonInt64(1))));
  }

  @Test
  void keysOfDifferentTypesNeverCollide() {
    ObjectId oid = new ObjectId("65a1b2c3d4e5f60718293a4b");
    assertThat(
            java.util.List.of(
                key(new BsonInt32(1)),
                key(new BsonString("1")),
                key(new BsonObjectId(oid)),
                key(new BsonString(oid.toHexString())),
                key(new BsonString("\"1\"")),
                key(new BsonDouble(0.1)),
                key(new BsonDecimal128(Decimal128.parse("0.1")))))
        .doesNotHaveDuplicates()
        .contains("1", "\"1\"", "65a1b2c3d4e5f60718293a4b", "\"65a1b2c3d4e5f60718293a4b\"", "0.1");
  }
}
