package io.tidemark.source.mongo.snapshot;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonType;
import org.bson.BsonValue;

/**
 * What MongoDB does with a filter on {@code _id}, for the operators {@link KeyRangeFilter} may send
 * ({@code $or}, {@code $and}, {@code $gt}, {@code $gte}, {@code $lte}, {@code $in}, {@code $type},
 * equality), written from the server's source and nothing else:
 *
 * <ul>
 *   <li>{@code $type} codes are checked as {@code parseSingleType} does ({@code
 *       src/mongo/db/matcher/matcher_type_set.cpp}, {@code isValidBSONType} in {@code
 *       src/mongo/bson/bsontypes.cpp}), with the server's error text; and a set holding Array is
 *       refused here because it makes the index bounds {@code [MinKey, MaxKey]} ({@code
 *       src/mongo/db/query/index_bounds_builder.cpp}), a scan of the whole collection;
 *   <li>comparisons follow {@code ComparisonMatchExpression::matchesSingleElement} ({@code
 *       src/mongo/db/matcher/expression_leaf.cpp}): values of different canonical types ({@code
 *       canonicalizeBSONType}, {@code src/mongo/bson/bsontypes.h}) never match, except null with
 *       undefined and a MinKey or MaxKey bound; NaN never matches {@code $gt}/{@code $lt} and
 *       matches {@code $gte}/{@code $lte} only against NaN;
 *   <li>two values of one canonical type compare by their place in {@code sortOrder}, which the
 *       test writes down in MongoDB's order (within a bracket: {@code compareElementValues} in
 *       {@code src/mongo/bson/bsonelement.cpp}; numbers: {@code src/mongo/base/compare_numbers.h},
 *       NaN first).
 * </ul>
 */
final class MongoIdQueryModel {

  /** {@code canonicalizeBSONType} of {@code src/mongo/bson/bsontypes.h}. */
  private static final Map<BsonType, Integer> CANONICAL =
      Map.ofEntries(
          Map.entry(BsonType.MIN_KEY, -1),
          Map.entry(BsonType.UNDEFINED, 0),
          Map.entry(BsonType.NULL, 5),
          Map.entry(BsonType.DOUBLE, 10),
          Map.entry(BsonType.INT32, 10),
          Map.entry(BsonType.INT64, 10),
          Map.entry(BsonType.DECIMAL128, 10),
          Map.entry(BsonType.STRING, 15),
          Map.entry(BsonType.SYMBOL, 15),
          Map.entry(BsonType.DOCUMENT, 20),
          Map.entry(BsonType.ARRAY, 25),
          Map.entry(BsonType.BINARY, 30),
          Map.entry(BsonType.OBJECT_ID, 35),
          Map.entry(BsonType.BOOLEAN, 40),
          Map.entry(BsonType.DATE_TIME, 45),
          Map.entry(BsonType.TIMESTAMP, 47),
          Map.entry(BsonType.REGULAR_EXPRESSION, 50),
          Map.entry(BsonType.DB_POINTER, 55),
          Map.entry(BsonType.JAVASCRIPT, 60),
          Map.entry(BsonType.JAVASCRIPT_WITH_SCOPE, 65),
          Map.entry(BsonType.MAX_KEY, 127));

  /** {@code isValidBSONType} of {@code src/mongo/bson/bsontypes.cpp}: MinKey, EOO, 1-19, MaxKey. */
  private static boolean isValidBsonType(int code) {
    return code == -1 || (code >= 0 && code <= 19) || code == 127;
  }

  private final List<BsonValue> sortOrder;

  /**
   * @param sortOrder values in MongoDB's {@code _id} order, no two equal
   */
  MongoIdQueryModel(List<BsonValue> sortOrder) {
    this.sortOrder = List.copyOf(sortOrder);
  }

  static int canonicalType(BsonValue value) {
    return CANONICAL.get(value.getBsonType());
  }

  /** Whether MongoDB returns a document with this {@code _id} for the filter. */
  boolean matches(BsonDocument filter, BsonValue id) {
    for (Map.Entry<String, BsonValue> clause : filter.entrySet()) {
      boolean holds =
          switch (clause.getKey()) {
            case "$or" ->
                clause.getValue().asArray().stream().anyMatch(f -> matches(f.asDocument(), id));
            case "$and" ->
                clause.getValue().asArray().stream().allMatch(f -> matches(f.asDocument(), id));
            case "_id" -> idMatches(clause.getValue(), id);
            default -> throw new IllegalArgumentException("not modelled: " + clause.getKey());
          };
      if (!holds) {
        return false;
      }
    }
    return true;
  }

  private boolean idMatches(BsonValue condition, BsonValue id) {
    if (!condition.isDocument()
        || condition.asDocument().isEmpty()
        || !condition.asDocument().getFirstKey().startsWith("$")) {
      return compare("$eq", id, condition);
    }
    for (Map.Entry<String, BsonValue> op : condition.asDocument().entrySet()) {
      boolean holds =
          switch (op.getKey()) {
            case "$gt", "$gte", "$lt", "$lte", "$eq" -> compare(op.getKey(), id, op.getValue());
            case "$in" -> op.getValue().asArray().stream().anyMatch(v -> compare("$eq", id, v));
            case "$type" -> typeSet(op.getValue()).contains(mongoTypeCode(id.getBsonType()));
            default -> throw new IllegalArgumentException("not modelled: " + op.getKey());
          };
      if (!holds) {
        return false;
      }
    }
    return true;
  }

  /** {@code ComparisonMatchExpression::matchesSingleElement}, expression_leaf.cpp. */
  private boolean compare(String op, BsonValue e, BsonValue rhs) {
    if (rhs.getBsonType() == BsonType.UNDEFINED) {
      throw new IllegalArgumentException("BadValue (2): cannot compare to undefined");
    }
    if (e.getBsonType() != rhs.getBsonType()) {
      int ect = canonicalType(e);
      int rct = canonicalType(rhs);
      if (ect != rct) {
        if (ect + rct == 5) { // null and undefined
          return op.equals("$eq") || op.equals("$lte") || op.equals("$gte");
        }
        if (rhs.getBsonType() == BsonType.MAX_KEY || rhs.getBsonType() == BsonType.MIN_KEY) {
          return switch (op) {
            case "$lt", "$lte" -> rhs.getBsonType() == BsonType.MAX_KEY;
            case "$gt", "$gte" -> rhs.getBsonType() == BsonType.MIN_KEY;
            default -> false;
          };
        }
        return false;
      }
    }
    if (!op.equals("$eq") && (isNaN(e) || isNaN(rhs))) {
      return (op.equals("$lte") || op.equals("$gte")) && isNaN(e) && isNaN(rhs);
    }
    int x = Integer.compare(placeOf(e), placeOf(rhs));
    return switch (op) {
      case "$lt" -> x < 0;
      case "$lte" -> x <= 0;
      case "$eq" -> x == 0;
      case "$gt" -> x > 0;
      case "$gte" -> x >= 0;
      default -> throw new IllegalArgumentException(op);
    };
  }

  private int placeOf(BsonValue value) {
    int place = sortOrder.indexOf(value);
    if (place < 0) {
      throw new IllegalArgumentException("the model knows no sort place for " + value);
    }
    return place;
  }

  /** {@code MatcherTypeSet::parse} for numeric codes, with the server's errors. */
  private static Set<Integer> typeSet(BsonValue types) {
    Set<Integer> codes = new HashSet<>();
    for (BsonValue t : types.isArray() ? types.asArray() : List.of(types)) {
      if (!t.isNumber()) {
        throw new IllegalArgumentException(
            "TypeMismatch (14): type must be represented as a number or a string (strings are"
                + " not modelled)");
      }
      double number = t.isDouble() ? t.asDouble().getValue() : t.asNumber().doubleValue();
      if (number != Math.rint(number)) {
        throw new IllegalArgumentException("BadValue (2): Invalid numerical type code: " + number);
      }
      int code = (int) number;
      if (code == 0) {
        throw new IllegalArgumentException(
            "BadValue (2): Invalid numerical type code: 0. Instead use {$exists:false}.");
      }
      if (!isValidBsonType(code)) {
        throw new IllegalArgumentException("BadValue (2): Invalid numerical type code: " + code);
      }
      codes.add(code);
    }
    if (codes.contains(4)) {
      throw new IllegalArgumentException(
          "a $type set with Array (4) gets index bounds [MinKey, MaxKey] and a fetch: " + types);
    }
    return codes;
  }

  private static int mongoTypeCode(BsonType type) {
    return type == BsonType.MIN_KEY ? -1 : type.getValue();
  }

  private static boolean isNaN(BsonValue value) {
    return value.isDouble() && Double.isNaN(value.asDouble().getValue())
        || value.isDecimal128() && value.asDecimal128().getValue().isNaN();
  }
}
