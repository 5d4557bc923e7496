package io.tidemark.source.mongo.convert;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.bson.BsonArray;
import org.bson.BsonBinary;
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

class KeyIdsTest {

  @Test
  void keyTextsLeadBackToTheIdsThatHaveThem() {
    assertThat(KeyIds.candidates("plain")).containsExactly(new BsonString("plain"));
    assertThat(KeyIds.candidates("\"1\"")).startsWith(new BsonString("1"));
    assertThat(KeyIds.candidates("64b7f0c2a1b2c3d4e5f60718"))
        .startsWith(new BsonObjectId(new ObjectId("64b7f0c2a1b2c3d4e5f60718")));
    assertThat(KeyIds.candidates("-42")).startsWith(new BsonInt64(-42));
    assertThat(KeyIds.candidates("0.1000000000000000055511151231257827021181583404541015625"))
        .startsWith(new BsonDouble(0.1));
    assertThat(KeyIds.candidates("1.5")).contains(new BsonDouble(1.5));
    List<BsonValue> big = KeyIds.candidates("123456789012345678901234567890");
    assertThat(big).anyMatch(v -> v instanceof BsonDecimal128);
    assertThat(KeyIds.candidates("{\"a\": {\"$numberInt\": \"1\"}}").get(0))
        .isEqualTo(new BsonDocument("a", new BsonInt32(1)));
    assertThat(KeyIds.candidates("{not json")).containsExactly(new BsonString("{not json"));
  }

  @Test
  void everyKeyTextFindsItsId() {
    for (BsonValue id :
        List.<BsonValue>of(
            new BsonString("order-17"),
            new BsonString("1"),
            new BsonString("64b7f0c2a1b2c3d4e5f60718"),
            new BsonObjectId(new ObjectId("64b7f0c2a1b2c3d4e5f60718")),
            new BsonInt32(7),
            new BsonInt64(-9_000_000_000L),
            new BsonDouble(0.1),
            new BsonDouble(2.0),
            new BsonDecimal128(Decimal128.parse("1.25")),
            new BsonDocument("a", new BsonInt32(1)),
            new BsonDateTime(1714557600000L),
            // Since verify and dead-letter replay look documents up by key text alone, a key
            // that leads nowhere would read as "no such document": every _id type must lead back.
            new BsonString("[bracket"),
            new BsonString("{brace"),
            new BsonString("\"quoted\""),
            new BsonString("AABBCCDDEEFF001122334455"),
            new BsonString(""),
            new BsonInt64(Long.MAX_VALUE),
            new BsonInt64(Long.MIN_VALUE),
            new BsonDouble(1e300),
            new BsonDouble(-2.5e-300),
            new BsonDouble(-0.0),
            new BsonDouble(Double.NaN),
            new BsonDouble(Double.POSITIVE_INFINITY),
            new BsonDecimal128(Decimal128.parse("1E+6144")),
            new BsonDecimal128(Decimal128.parse("-1.000000000000000000000000000000001E-6143")),
            new BsonDecimal128(Decimal128.parse("NaN")),
            new BsonBinary(UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e")),
            new BsonBinary((byte) 0x80, new byte[] {1, 2, 3}),
            new BsonArray(List.of(new BsonInt32(1), new BsonString("x"))),
            new BsonTimestamp(1_700_000_000, 7),
            new BsonMinKey(),
            new BsonMaxKey(),
            new BsonBoolean(true),
            new BsonNull(),
            new BsonDateTime(-62135596800001L))) {
      String key = DocumentKeys.of(id).text();
      assertThat(KeyIds.candidates(key))
          .as("key %s of %s", key, id)
          .anyMatch(candidate -> DocumentKeys.of(candidate).text().equals(key));
    }
  }
}
