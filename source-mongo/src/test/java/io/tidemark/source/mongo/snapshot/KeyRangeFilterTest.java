package io.tidemark.source.mongo.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.bson.BsonArray;
import org.bson.BsonBinary;
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
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

/**
 * Every range filter, checked against what MongoDB does with it ({@link MongoIdQueryModel}): the
 * server accepts it, and it returns exactly the {@code _id}s of its range.
 */
class KeyRangeFilterTest {

  private static final ObjectId OID_1 = new ObjectId("000000000000000000000001");

  /**
   * One or more {@code _id}s of every type MongoDB accepts as an {@code _id}, in MongoDB's sort
   * order: the brackets of {@code canonicalizeBSONType} ({@code src/mongo/bson/bsontypes.h}), and
   * within a bracket by {@code compareElementValues} ({@code src/mongo/bson/bsonelement.cpp}):
   * numbers by value with NaN first, strings and symbols by their bytes, documents by field, binary
   * by length then subtype then bytes, dates signed, timestamps unsigned, code by its text.
   */
  private static final List<BsonValue> IDS_IN_ORDER =
      List.of(
          new BsonMinKey(),
          new BsonNull(),
          new BsonDouble(Double.NaN),
          new BsonDouble(Double.NEGATIVE_INFINITY),
          new BsonInt32(-5),
          new BsonDecimal128(Decimal128.parse("0.25")),
          new BsonInt32(1),
          new BsonInt64(2),
          new BsonDouble(2.5),
          new BsonInt64(3_000_000_000L),
          new BsonDouble(Double.POSITIVE_INFINITY),
          new BsonString("a"),
          new BsonSymbol("b"),
          new BsonString("c"),
          new BsonDocument("a", new BsonInt32(1)),
          new BsonDocument("b", new BsonInt32(1)),
          new BsonBinary(new byte[] {1}),
          new BsonBinary(new byte[] {2}),
          new BsonBinary(UUID.fromString("3b241101-e2bb-4255-8caf-4136c566a962")),
          new BsonObjectId(OID_1),
          new BsonObjectId(new ObjectId("000000000000000000000002")),
          BsonBoolean.FALSE,
          BsonBoolean.TRUE,
          new BsonDateTime(-1000),
          new BsonDateTime(0),
          new BsonTimestamp(1, 1),
          new BsonTimestamp(1, 2),
          new BsonDbPointer("db.c", OID_1),
          new BsonJavaScript("f()"),
          new BsonJavaScript("g()"),
          new BsonJavaScriptWithScope("f()", new BsonDocument()),
          new BsonMaxKey());

  private static final MongoIdQueryModel MONGODB = new MongoIdQueryModel(IDS_IN_ORDER);

  /** The {@code _id}s the filter returns, by MongoDB's rules. */
  private static List<BsonValue> returned(BsonDocument filter) {
    List<BsonValue> found = new ArrayList<>();
    for (BsonValue id : IDS_IN_ORDER) {
      if (MONGODB.matches(filter, id)) {
        found.add(id);
      }
    }
    return found;
  }

  @Test
  void theSampleIdsAreInMongoDbsBracketOrder() {
    for (int i = 1; i < IDS_IN_ORDER.size(); i++) {
      assertThat(MongoIdQueryModel.canonicalType(IDS_IN_ORDER.get(i)))
          .as("%s sorts after %s", IDS_IN_ORDER.get(i), IDS_IN_ORDER.get(i - 1))
          .isGreaterThanOrEqualTo(MongoIdQueryModel.canonicalType(IDS_IN_ORDER.get(i - 1)));
    }
  }

  @Test
  void everyRangeReturnsExactlyItsIdsWithTypeCodesMongoDbAccepts() {
    int n = IDS_IN_ORDER.size();
    // -1 is "from the start", n is "to the end".
    for (int after = -1; after < n; after++) {
      for (int upTo = Math.max(after, 0); upTo <= n; upTo++) {
        BsonValue low = after < 0 ? null : IDS_IN_ORDER.get(after);
        BsonValue high = upTo == n ? null : IDS_IN_ORDER.get(upTo);
        BsonDocument filter = KeyRangeFilter.between(low, high);
        List<BsonValue> expected = IDS_IN_ORDER.subList(after + 1, Math.min(upTo + 1, n));

        assertThat(returned(filter))
            .as("range (%s, %s] with filter %s", low, high, filter.toJson())
            .containsExactlyElementsOf(expected);
      }
    }
  }

  @Test
  void consecutiveRangesCoverEveryIdOnce() {
    List<BsonValue> splits =
        List.of(
            new BsonNull(),
            new BsonDouble(Double.NaN),
            new BsonInt32(1),
            new BsonSymbol("b"),
            new BsonBinary(new byte[] {2}),
            new BsonTimestamp(1, 1),
            new BsonJavaScript("g()"));
    List<BsonValue> all = new ArrayList<>();
    for (int i = 0; i <= splits.size(); i++) {
      all.addAll(
          returned(
              KeyRangeFilter.between(
                  i == 0 ? null : splits.get(i - 1), i == splits.size() ? null : splits.get(i))));
    }
    assertThat(all).containsExactlyElementsOf(IDS_IN_ORDER);
  }

  @Test
  void boundsInOneBracketMakeAPlainRangeThatTheIdIndexBoundsExactly() {
    assertThat(KeyRangeFilter.between(new BsonInt32(5), new BsonDouble(9.5)).toJson())
        .isEqualTo("{\"_id\": {\"$gt\": 5, \"$lte\": 9.5}}");
    assertThat(KeyRangeFilter.between(new BsonString("a"), new BsonSymbol("m")).toJson())
        .isEqualTo("{\"_id\": {\"$gt\": \"a\", \"$lte\": {\"$symbol\": \"m\"}}}");
    assertThat(KeyRangeFilter.between(new BsonObjectId(OID_1), new BsonObjectId(OID_1)).toJson())
        .isEqualTo(
            "{\"_id\": {\"$gt\": {\"$oid\": \"000000000000000000000001\"}, \"$lte\": {\"$oid\":"
                + " \"000000000000000000000001\"}}}");
  }

  @Test
  void afterNaNTheRangeStartsAtMinusInfinity() {
    assertThat(KeyRangeFilter.between(new BsonDouble(Double.NaN), new BsonInt32(3)).toJson())
        .isEqualTo("{\"_id\": {\"$gte\": {\"$numberDouble\": \"-Infinity\"}, \"$lte\": 3}}");
  }

  @Test
  void boundsInDifferentBracketsAddTheBracketsBetweenByMongoDbTypeCodes() {
    assertThat(KeyRangeFilter.between(new BsonString("m"), new BsonDateTime(0)).toJson())
        .isEqualTo(
            "{\"$or\": [{\"_id\": {\"$gt\": \"m\"}}, {\"_id\": {\"$type\": [3, 5, 7, 8]}},"
                + " {\"_id\": {\"$lte\": {\"$date\": \"1970-01-01T00:00:00Z\"}}}]}");
    assertThat(KeyRangeFilter.upTo(new BsonInt32(7)).toJson())
        .as("MinKey is -1, and NaN is taken by equality")
        .isEqualTo(
            "{\"$or\": [{\"_id\": {\"$type\": [-1, 10]}}, {\"_id\": {\"$lte\": 7}}, {\"_id\":"
                + " {\"$numberDouble\": \"NaN\"}}]}");
    assertThat(KeyRangeFilter.after(new BsonTimestamp(1, 1)).toJson())
        .isEqualTo(
            "{\"$or\": [{\"_id\": {\"$gt\": {\"$timestamp\": {\"t\": 1, \"i\": 1}}}}, {\"_id\":"
                + " {\"$type\": [12, 13, 15, 127]}}]}");
  }

  @Test
  void theOpenEndsNeedNoTypeList() {
    assertThat(KeyRangeFilter.between(null, null)).isEqualTo(new BsonDocument());
    assertThat(KeyRangeFilter.after(new BsonMaxKey()).toJson())
        .isEqualTo("{\"_id\": {\"$in\": []}}");
  }

  @Test
  void typesMongoDbRefusesAsAnIdAreRefused() {
    for (BsonValue notAnId :
        List.of(new BsonArray(), new BsonRegularExpression("a"), new BsonUndefined())) {
      assertThatThrownBy(() -> KeyRangeFilter.after(notAnId))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("an _id cannot be of type " + notAnId.getBsonType());
    }
  }
}
