package io.tidemark.source.mongo.snapshot;

import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonType;
import org.bson.BsonValue;

/**
 * The filters that select a range of a copy in {@code _id} order: after one {@code _id}, up to
 * another.
 *
 * <p>{@code $gt} and {@code $lte} only match values of the same type bracket, so a collection whose
 * {@code _id}s mix types (numbers, strings, ObjectIds...) also needs every value of the brackets
 * that sort after (or before) the bound. The brackets follow MongoDB's comparison order.
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
    return withinBracketOr("$gt", lastId, typesOf(bracket + 1, BRACKETS.size()));
  }

  /** Matches every document whose {@code _id} sorts before {@code upTo} or equals it. */
  public static BsonDocument upTo(BsonValue upTo) {
    int bracket = bracketOf(upTo.getBsonType());
    return withinBracketOr("$lte", upTo, typesOf(0, bracket));
  }

  /**
   * Matches the documents whose {@code _id} sorts after {@code after} (null: from the start) and
   * before or at {@code upTo} (null: to the end): one range of a parallel copy.
   */
  public static BsonDocument between(BsonValue after, BsonValue upTo) {
    if (after == null && upTo == null) {
      return new BsonDocument();
    }
    if (upTo == null) {
      return after(after);
    }
    if (after == null) {
      return upTo(upTo);
    }
    return new BsonDocument("$and", new BsonArray(List.of(after(after), upTo(upTo))));
  }

  /** {@code {_id: {op: bound}}}, or that or an {@code _id} of one of the other brackets' types. */
  private static BsonDocument withinBracketOr(String op, BsonValue bound, BsonArray otherTypes) {
    BsonDocument sameBracket = new BsonDocument("_id", new BsonDocument(op, bound));
    if (otherTypes.isEmpty()) {
      return sameBracket;
    }
    BsonDocument otherBrackets = new BsonDocument("_id", new BsonDocument("$type", otherTypes));
    return new BsonDocument("$or", new BsonArray(List.of(sameBracket, otherBrackets)));
  }

  /** The type codes of the brackets {@code from} (inclusive) to {@code to} (exclusive). */
  private static BsonArray typesOf(int from, int to) {
    BsonArray types = new BsonArray();
    for (int i = from; i < to; i++) {
      for (BsonType t : BRACKETS.get(i)) {
        types.add(new BsonInt32(t.getValue()));
      }
    }
    return types;
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
