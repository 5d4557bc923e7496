package io.tidemark.source.mongo.snapshot;

import java.util.ArrayList;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonType;
import org.bson.BsonValue;

/**
 * The filter that continues a copy in {@code _id} order after a given {@code _id}.
 *
 * <p>{@code $gt} only matches values of the same type bracket, so a collection whose {@code _id}s
 * mix types (numbers, strings, ObjectIds...) also needs every value of the brackets that sort after
 * the last one. The brackets follow MongoDB's comparison order.
 */
public final class KeyRangeFilter {
  /** BSON type brackets in MongoDB's sort order; types in one bracket compare with each other. */
  private static final List<List<BsonType>> BRACKETS =
      List.of(
          List.of(BsonType.MIN_KEY),
          List.of(BsonType.NULL, BsonType.UNDEFINED),
          List.of(BsonType.INT32, BsonType.INT64, BsonType.DOUBLE, BsonType.DECIMAL128),
          List.of(BsonType.SYMBOL, BsonType.STRING),
          List.of(BsonType.DOCUMENT),
          List.of(BsonType.ARRAY),
          List.of(BsonType.BINARY),
          List.of(BsonType.OBJECT_ID),
          List.of(BsonType.BOOLEAN),
          List.of(BsonType.DATE_TIME),
          List.of(BsonType.TIMESTAMP),
          List.of(BsonType.REGULAR_EXPRESSION),
          List.of(BsonType.MAX_KEY));

  private KeyRangeFilter() {}

  /** Matches every document whose {@code _id} sorts after {@code lastId}. */
  public static BsonDocument after(BsonValue lastId) {
    int bracket = bracketOf(lastId.getBsonType());
    BsonArray laterTypes = new BsonArray();
    for (int i = bracket + 1; i < BRACKETS.size(); i++) {
      for (BsonType t : BRACKETS.get(i)) {
        laterTypes.add(new BsonInt32(t.getValue()));
      }
    }
    List<BsonValue> alternatives = new ArrayList<>();
    alternatives.add(new BsonDocument("_id", new BsonDocument("$gt", lastId)));
    if (!laterTypes.isEmpty()) {
      alternatives.add(new BsonDocument("_id", new BsonDocument("$type", laterTypes)));
    }
    return alternatives.size() == 1
        ? alternatives.get(0).asDocument()
        : new BsonDocument("$or", new BsonArray(alternatives));
  }

  private static int bracketOf(BsonType type) {
    for (int i = 0; i < BRACKETS.size(); i++) {
      if (BRACKETS.get(i).contains(type)) {
        return i;
      }
    }
    throw new IllegalArgumentException("an _id cannot be of type " + type);
  }
}
