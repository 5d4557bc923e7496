package io.tidemark.source.mongo.snapshot;

import java.util.ArrayList;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonType;
import org.bson.BsonValue;

/**
 * The filters that select a range of a copy in {@code _id} order: after one {@code _id}, up to and
 * including another.
 *
 * <p>MongoDB's {@code $gt} and {@code $lte} only match values of the bound's own type bracket
 * ({@code ComparisonMatchExpression::matchesSingleElement}, {@code
 * src/mongo/db/matcher/expression_leaf.cpp}), so a range whose bounds lie in different brackets
 * also takes every value of the brackets between them, by {@code $type}. The brackets are those of
 * {@code canonicalizeBSONType} ({@code src/mongo/bson/bsontypes.h}), in that order, without the
 * types MongoDB refuses as an {@code _id} at insert and update: Array, RegEx and Undefined ({@code
 * fixDocumentForInsert} in {@code src/mongo/db/ops/insert.cpp}, {@code storageValidIdField} in
 * {@code src/mongo/db/update/storage_validation.cpp}). Leaving Array out matters beyond
 * correctness: a {@code $type} set holding Array gets index bounds {@code [MinKey, MaxKey]} and a
 * fetch ({@code src/mongo/db/query/index_bounds_builder.cpp}), which reads the whole collection for
 * every range.
 *
 * <p>Type codes are MongoDB's, not the driver's: MinKey is -1 ({@code BsonType.MIN_KEY.getValue()}
 * is 255, which {@code $type} refuses with BadValue, {@code
 * src/mongo/db/matcher/matcher_type_set.cpp}).
 *
 * <p>NaN: it sorts before every other number ({@code src/mongo/base/compare_numbers.h}) but {@code
 * $gt}/{@code $lte} never match it against another number, and {@code $gt: NaN} matches nothing
 * (expression_leaf.cpp). So a range that ends at a number takes NaN by equality, and a range after
 * NaN starts at {@code $gte: -Infinity}, which takes every other number.
 */
public final class KeyRangeFilter {

  /** The brackets an {@code _id} can fall in, in MongoDB's sort order. */
  private static final List<List<BsonType>> BRACKETS =
      List.of(
          List.of(BsonType.MIN_KEY),
          List.of(BsonType.NULL),
          List.of(BsonType.DOUBLE, BsonType.INT32, BsonType.INT64, BsonType.DECIMAL128),
          List.of(BsonType.STRING, BsonType.SYMBOL),
          List.of(BsonType.DOCUMENT),
          List.of(BsonType.BINARY),
          List.of(BsonType.OBJECT_ID),
          List.of(BsonType.BOOLEAN),
          List.of(BsonType.DATE_TIME),
          List.of(BsonType.TIMESTAMP),
          List.of(BsonType.DB_POINTER),
          List.of(BsonType.JAVASCRIPT),
          List.of(BsonType.JAVASCRIPT_WITH_SCOPE),
          List.of(BsonType.MAX_KEY));

  private static final int NUMBERS = 2;

  private KeyRangeFilter() {}

  /** Matches every document whose {@code _id} sorts after {@code lastId}. */
  public static BsonDocument after(BsonValue lastId) {
    return between(lastId, null);
  }

  /** Matches every document whose {@code _id} sorts before {@code upTo} or equals it. */
  public static BsonDocument upTo(BsonValue upTo) {
    return between(null, upTo);
  }

  /**
   * Matches the documents whose {@code _id} sorts after {@code after} (null: from the start) and
   * before or at {@code upTo} (null: to the end): one range of a parallel copy. Within one bracket
   * this is a plain {@code {_id: {$gt: after, $lte: upTo}}}.
   */
  public static BsonDocument between(BsonValue after, BsonValue upTo) {
    if (after == null && upTo == null) {
      return new BsonDocument();
    }
    int from = after == null ? -1 : bracketOf(after);
    int to = upTo == null ? BRACKETS.size() : bracketOf(upTo);
    if (from == to) {
      return idMatches(lowerBound(after).append("$lte", upTo));
    }
    List<BsonDocument> alternatives = new ArrayList<>();
    BsonArray wholeBrackets = new BsonArray();
    if (after != null && !isSingleValued(from)) {
      alternatives.add(idMatches(lowerBound(after)));
    }
    for (int bracket = from + 1; bracket < to; bracket++) {
      addTypeCodes(bracket, wholeBrackets);
    }
    if (upTo != null && isSingleValued(to)) {
      addTypeCodes(to, wholeBrackets);
    }
    if (!wholeBrackets.isEmpty()) {
      alternatives.add(idMatches(new BsonDocument("$type", wholeBrackets)));
    }
    if (upTo != null && !isSingleValued(to)) {
      alternatives.add(idMatches(new BsonDocument("$lte", upTo)));
      if (to == NUMBERS && !isNaN(upTo)) {
        alternatives.add(new BsonDocument("_id", new BsonDouble(Double.NaN)));
      }
    }
    if (alternatives.isEmpty()) {
      return idMatches(new BsonDocument("$in", new BsonArray())); // after MaxKey: nothing
    }
    return alternatives.size() == 1
        ? alternatives.get(0)
        : new BsonDocument("$or", new BsonArray(alternatives));
  }

  /**
   * MongoDB's {@code $type} code of a BSON type: the driver's number, except MinKey (-1 in
   * MongoDB's {@code BSONType} enum, {@code src/mongo/bson/bsontypes.h}).
   */
  static int mongoTypeCode(BsonType type) {
    return type == BsonType.MIN_KEY ? -1 : type.getValue();
  }

  /** {@code {$gt: after}}, or {@code {$gte: -Infinity}} after NaN; empty from the start. */
  private static BsonDocument lowerBound(BsonValue after) {
    if (after == null) {
      return new BsonDocument();
    }
    return isNaN(after)
        ? new BsonDocument("$gte", new BsonDouble(Double.NEGATIVE_INFINITY))
        : new BsonDocument("$gt", after);
  }

  private static BsonDocument idMatches(BsonDocument condition) {
    return new BsonDocument("_id", condition);
  }

  /** MinKey, null and MaxKey: a bracket with one value, which {@code $gt} cannot cut. */
  private static boolean isSingleValued(int bracket) {
    return bracket == 0 || bracket == 1 || bracket == BRACKETS.size() - 1;
  }

  private static void addTypeCodes(int bracket, BsonArray codes) {
    for (BsonType type : BRACKETS.get(bracket)) {
      codes.add(new BsonInt32(mongoTypeCode(type)));
    }
  }

  private static boolean isNaN(BsonValue value) {
    return value.isDouble() && Double.isNaN(value.asDouble().getValue())
        || value.isDecimal128() && value.asDecimal128().getValue().isNaN();
  }

  private static int bracketOf(BsonValue id) {
    BsonType type = id.getBsonType();
    for (int i = 0; i < BRACKETS.size(); i++) {
      if (BRACKETS.get(i).contains(type)) {
        return i;
      }
    }
    throw new IllegalArgumentException(
        "an _id cannot be of type "
            + type
            + " (MongoDB refuses arrays, regular expressions and undefined as _id)");
  }
}
