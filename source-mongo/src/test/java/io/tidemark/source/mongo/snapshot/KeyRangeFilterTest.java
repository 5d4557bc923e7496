package io.tidemark.source.mongo.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonJavaScript;
import org.bson.BsonMaxKey;
import org.bson.BsonMinKey;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonType;
import org.bson.BsonValue;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

class KeyRangeFilterTest {

  private static List<Integer> laterTypes(BsonDocument filter) {
    BsonArray alternatives = filter.getArray("$or");
    assertThat(alternatives).hasSize(2);
    return alternatives.get(1).asDocument().getDocument("_id").getArray("$type").stream()
        .map(v -> v.asInt32().getValue())
        .toList();
  }

  private static BsonValue gtOf(BsonDocument filter) {
    return filter.getArray("$or").get(0).asDocument().getDocument("_id").get("$gt");
  }

  @Test
  void afterANumberTakesGreaterNumbersAndEveryLaterTypeBracket() {
    BsonDocument filter = KeyRangeFilter.after(new BsonInt32(41));

    assertThat(gtOf(filter)).isEqualTo(new BsonInt32(41));
    assertThat(laterTypes(filter))
        .containsExactly(
            BsonType.SYMBOL.getValue(),
            BsonType.STRING.getValue(),
            BsonType.DOCUMENT.getValue(),
            BsonType.ARRAY.getValue(),
            BsonType.BINARY.getValue(),
            BsonType.OBJECT_ID.getValue(),
            BsonType.BOOLEAN.getValue(),
            BsonType.DATE_TIME.getValue(),
            BsonType.TIMESTAMP.getValue(),
            BsonType.REGULAR_EXPRESSION.getValue(),
            BsonType.MAX_KEY.getValue());
    assertThat(laterTypes(filter))
        .doesNotContain(
            BsonType.INT32.getValue(),
            BsonType.INT64.getValue(),
            BsonType.DOUBLE.getValue(),
            BsonType.DECIMAL128.getValue(),
            BsonType.MIN_KEY.getValue(),
            BsonType.NULL.getValue(),
            BsonType.UNDEFINED.getValue());
  }

  @Test
  void filterIsTheExpectedQueryDocument() {
    assertThat(KeyRangeFilter.after(new BsonString("m")).toJson())
        .isEqualTo(
            "{\"$or\": [{\"_id\": {\"$gt\": \"m\"}}, {\"_id\": {\"$type\": [3, 4, 5, 7, 8, 9, 17, 11, 127]}}]}");
  }

  @Test
  void afterAnObjectIdOnlyLaterBracketsRemain() {
    ObjectId id = new ObjectId("65a1b2c3d4e5f60718293a4b");
    BsonDocument filter = KeyRangeFilter.after(new BsonObjectId(id));
    assertThat(gtOf(filter)).isEqualTo(new BsonObjectId(id));
    assertThat(laterTypes(filter))
        .containsExactly(
            BsonType.BOOLEAN.getValue(),
            BsonType.DATE_TIME.getValue(),
            BsonType.TIMESTAMP.getValue(),
            BsonType.REGULAR_EXPRESSION.getValue(),
            BsonType.MAX_KEY.getValue());
  }

  @Test
  void afterMinKeyEveryOtherBracketFollows() {
    List<Integer> types = laterTypes(KeyRangeFilter.after(new BsonMinKey()));
    assertThat(types)
        .startsWith(
            BsonType.NULL.getValue(), BsonType.UNDEFINED.getValue(), BsonType.INT32.getValue());
    assertThat(types)
        .doesNotContain(BsonType.MIN_KEY.getValue())
        .endsWith(BsonType.MAX_KEY.getValue());
  }

  @Test
  void afterMaxKeyOnlyGreaterThan() {
    BsonDocument filter = KeyRangeFilter.after(new BsonMaxKey());
    assertThat(filter)
        .isEqualTo(new BsonDocument("_id", new BsonDocument("$gt", new BsonMaxKey())));
    assertThat(filter.containsKey("$or")).isFalse();
  }

  @Test
  void typeThatCannotBeAnIdIsRefused() {
    assertThatThrownBy(() -> KeyRangeFilter.after(new BsonJavaScript("x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("an _id cannot be of type JAVASCRIPT");
  }

  @Test
  void upToAStringTakesSmallerOrEqualStringsAndEveryEarlierTypeBracket() {
    BsonDocument filter = KeyRangeFilter.upTo(new BsonString("m"));

    BsonArray alternatives = filter.getArray("$or");
    assertThat(alternatives.get(0).asDocument().getDocument("_id").get("$lte"))
        .isEqualTo(new BsonString("m"));
    assertThat(
            alternatives.get(1).asDocument().getDocument("_id").getArray("$type").stream()
                .map(v -> v.asInt32().getValue())
                .toList())
        .containsExactly(
            BsonType.MIN_KEY.getValue(),
            BsonType.NULL.getValue(),
            BsonType.UNDEFINED.getValue(),
            BsonType.INT32.getValue(),
            BsonType.INT64.getValue(),
            BsonType.DOUBLE.getValue(),
            BsonType.DECIMAL128.getValue());
  }

  @Test
  void upToTheFirstBracketNeedsNoTypeAlternative() {
    assertThat(KeyRangeFilter.upTo(new BsonMinKey()))
        .isEqualTo(new BsonDocument("_id", new BsonDocument("$lte", new BsonMinKey())));
  }

  @Test
  void betweenCombinesBothBoundsAndLeavesOutMissingOnes() {
    BsonInt32 low = new BsonInt32(5);
    BsonString high = new BsonString("k");

    assertThat(KeyRangeFilter.between(null, null)).isEqualTo(new BsonDocument());
    assertThat(KeyRangeFilter.between(low, null)).isEqualTo(KeyRangeFilter.after(low));
    assertThat(KeyRangeFilter.between(null, high)).isEqualTo(KeyRangeFilter.upTo(high));
    assertThat(KeyRangeFilter.between(low, high).getArray("$and"))
        .containsExactly(KeyRangeFilter.after(low), KeyRangeFilter.upTo(high));
  }
}
