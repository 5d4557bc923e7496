package io.tidemark.harness.standin;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code $type} in query filters as MongoDB parses it ({@code parseSingleType} and {@code
 * addAliasToTypeSet} in {@code src/mongo/db/matcher/matcher_type_set.cpp}, {@code isValidBSONType}
 * and {@code kTypeAliasMap} in {@code src/mongo/bson/bsontypes.cpp}): a code that is not a BSON
 * type, 0, a fraction, or an unknown alias is refused with BadValue (2) and MongoDB's text; a value
 * that is neither number nor string with TypeMismatch (14). The stock stand-in instead fails with
 * an unknown error on every code it has no class for, valid or not.
 *
 * <p>Valid codes of the types the stand-in cannot hold (Undefined 6, which its decoder turns into
 * null; DBPointer 12, JavaScript 13, Symbol 14, JavaScript-with-scope 15, which it cannot decode:
 * {@code BsonDecoder} of mongo-java-server 1.47.0) are removed from the set after the check: no
 * stored value has those types, so they would match nothing, as on MongoDB. {@link QueryFilters}
 * finds the {@code $type} operators.
 */
final class TypeCodes {
  private static final int BAD_VALUE = 2;
  private static final int TYPE_MISMATCH = 14;

  /** {@code kTypeAliasMap} and {@code kMatchesAllNumbersAlias}, by code (number: 0). */
  private static final Map<String, Integer> ALIASES =
      Map.ofEntries(
          Map.entry("double", 1),
          Map.entry("string", 2),
          Map.entry("object", 3),
          Map.entry("array", 4),
          Map.entry("binData", 5),
          Map.entry("undefined", 6),
          Map.entry("objectId", 7),
          Map.entry("bool", 8),
          Map.entry("date", 9),
          Map.entry("null", 10),
          Map.entry("regex", 11),
          Map.entry("dbPointer", 12),
          Map.entry("javascript", 13),
          Map.entry("symbol", 14),
          Map.entry("javascriptWithScope", 15),
          Map.entry("int", 16),
          Map.entry("timestamp", 17),
          Map.entry("long", 18),
          Map.entry("decimal", 19),
          Map.entry("maxKey", 127),
          Map.entry("minKey", -1),
          Map.entry("number", 0));

  private static final Set<Integer> NOT_STORABLE = Set.of(6, 12, 13, 14, 15);

  private TypeCodes() {}

  /**
   * Checks one {@code $type} operator of a condition and keeps only the codes of types the stand-in
   * can hold.
   */
  static void checkTypeSet(Map.Entry<String, Object> type) {
    type.setValue(storableTypes(type.getValue()));
  }

  /**
   * A {@code $type} left with only types the stand-in cannot hold matches nothing. An empty {@code
   * $type} set is an error on MongoDB ("must match at least one type", {@code
   * src/mongo/db/matcher/expression_parser.cpp}) and here, so say "nothing" with an empty {@code
   * $in} instead.
   */
  static void replaceEmptyTypeSet(Document condition) {
    if (condition.get("$type") instanceof List<?> kept && kept.isEmpty()) {
      condition.remove("$type");
      condition.put("$in", List.of());
    }
  }

  /** The checked set without the codes of types the stand-in cannot hold. */
  private static List<Object> storableTypes(Object types) {
    List<Object> kept = new ArrayList<>();
    for (Object type : types instanceof Collection<?> list ? list : List.of(types)) {
      if (!NOT_STORABLE.contains(check(type))) {
        kept.add(type);
      }
    }
    return kept;
  }

  /** The code of one element of a {@code $type} set, or MongoDB's error. */
  private static int check(Object type) {
    if (type instanceof String alias) {
      Integer code = ALIASES.get(alias);
      if (code != null) {
        return code;
      }
      if (alias.equals("missing")) {
        throw new MongoServerError(
            BAD_VALUE,
            "BadValue",
            "'missing' is not a legal type name. To query for non-existence of a field, use"
                + " {$exists:false}.");
      }
      throw new MongoServerError(BAD_VALUE, "BadValue", "Unknown type name alias: " + alias);
    }
    if (!(type instanceof Number number)) {
      throw new MongoServerError(
          TYPE_MISMATCH, "TypeMismatch", "type must be represented as a number or a string");
    }
    double value = number.doubleValue();
    // The server prints elt.number(), a double, through a stream: 255 as "255", 1.5 as "1.5".
    String printed =
        value == Math.rint(value) && !Double.isInfinite(value)
            ? Long.toString((long) value)
            : Double.toString(value);
    if (value != Math.rint(value) || Math.abs(value) > Integer.MAX_VALUE) {
      throw new MongoServerError(BAD_VALUE, "BadValue", "Invalid numerical type code: " + printed);
    }
    int code = (int) value;
    if (code == 0) {
      throw new MongoServerError(
          BAD_VALUE,
          "BadValue",
          "Invalid numerical type code: " + printed + ". Instead use {$exists:false}.");
    }
    if (!(code == -1 || (code >= 1 && code <= 19) || code == 127)) {
      throw new MongoServerError(BAD_VALUE, "BadValue", "Invalid numerical type code: " + printed);
    }
    return code;
  }
}
