package io.tidemark.harness.standin;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Query filters checked as MongoDB's parser checks them, before anything runs ({@code
 * MatchExpressionParser}, {@code src/mongo/db/matcher/expression_parser.cpp}): an unknown operator
 * is refused with BadValue (2) even when no document is there to match, where the stock stand-in
 * only fails once it evaluates the operator against a document. Checked: the filters of {@code
 * find}, {@code count}, {@code distinct}, {@code findAndModify}, {@code delete}, {@code update},
 * {@code listCollections} and the {@code $match} stages of {@code aggregate}. {@code $type} values
 * are checked by {@link TypeCodes}. Operators MongoDB has but the stand-in does not evaluate are
 * refused with NotImplemented (238) rather than answered differently.
 */
final class QueryFilters {
  private static final int BAD_VALUE = 2;
  private static final int NOT_IMPLEMENTED = 238;

  /** Top-level operators ({@code retrievePathlessParser}) the stand-in evaluates. */
  private static final Set<String> TOP_LEVEL = Set.of("$and", "$or", "$nor", "$expr", "$comment");

  private static final Set<String> TOP_LEVEL_NOT_SERVED =
      Set.of("$where", "$text", "$jsonSchema", "$alwaysTrue", "$alwaysFalse", "$sampleRate");

  /** Operators on a field ({@code parseSubField}) the stand-in evaluates. */
  private static final Set<String> FIELD =
      Set.of(
          "$eq",
          "$ne",
          "$gt",
          "$gte",
          "$lt",
          "$lte",
          "$in",
          "$nin",
          "$exists",
          "$type",
          "$not",
          "$regex",
          "$options",
          "$elemMatch",
          "$size",
          "$all",
          "$mod",
          "$geoWithin",
          "$nearSphere");

  private static final Set<String> FIELD_NOT_SERVED =
      Set.of(
          "$bitsAllSet",
          "$bitsAllClear",
          "$bitsAnySet",
          "$bitsAnyClear",
          "$geoIntersects",
          "$near",
          "$within",
          "$geometry",
          "$maxDistance",
          "$minDistance",
          "$center",
          "$centerSphere",
          "$box",
          "$polygon",
          "$uniqueDocs",
          "$comment");

  private QueryFilters() {}

  /** Checks and prepares every query filter of a command. */
  static void check(String command, Document query) {
    switch (command.toLowerCase(Locale.ROOT)) {
      case "find", "listcollections" -> predicate(query.get("filter"));
      case "count", "distinct", "findandmodify" -> predicate(query.get("query"));
      case "delete" -> eachStatement(query.get("deletes"));
      case "update" -> eachStatement(query.get("updates"));
      case "aggregate" -> {
        if (query.get("pipeline") instanceof List<?> stages) {
          for (Object stage : stages) {
            if (stage instanceof Document d && d.containsKey("$match")) {
              predicate(d.get("$match"));
            }
          }
        }
      }
      default -> {}
    }
  }

  private static void eachStatement(Object statements) {
    if (statements instanceof List<?> list) {
      for (Object statement : list) {
        if (statement instanceof Document d) {
          predicate(d.get("q"));
        }
      }
    }
  }

  /** A filter: fields with conditions, and top-level operators. */
  private static void predicate(Object filter) {
    if (!(filter instanceof Document document)) {
      return;
    }
    for (Map.Entry<String, Object> field : document.entrySet()) {
      String name = field.getKey();
      if (!name.startsWith("$")) {
        condition(field.getValue());
      } else if (TOP_LEVEL.contains(name)) {
        if (!name.equals("$expr") && field.getValue() instanceof Collection<?> clauses) {
          clauses.forEach(QueryFilters::predicate); // $and, $or, $nor
        }
      } else if (TOP_LEVEL_NOT_SERVED.contains(name)) {
        throw notServed(name);
      } else {
        // Newer releases append a hint to the text; code and code name are the same.
        throw new MongoServerError(
            BAD_VALUE,
            "BadValue",
            "unknown top level operator: "
                + name
                + ". If you have a field name that starts with a '$' symbol, consider using"
                + " $getField or $setField.");
      }
    }
  }

  /**
   * A field's condition: a document of operators when its first key starts with '$' and it is not a
   * DBRef ({@code isExpressionDocument}), otherwise a value to compare by equality.
   */
  private static void condition(Object value) {
    if (!(value instanceof Document operators)
        || operators.isEmpty()
        || !operators.keySet().iterator().next().startsWith("$")
        || operators.containsKey("$ref") && operators.containsKey("$id")) {
      return;
    }
    for (Map.Entry<String, Object> operator : operators.entrySet()) {
      String name = operator.getKey();
      if (FIELD_NOT_SERVED.contains(name)) {
        throw notServed(name);
      }
      if (!FIELD.contains(name)) {
        throw new MongoServerError(BAD_VALUE, "BadValue", "unknown operator: " + name);
      }
      switch (name) {
        case "$type" -> TypeCodes.checkTypeSet(operator);
        case "$not" -> condition(operator.getValue());
        case "$elemMatch" -> {
          if (operator.getValue() instanceof Document inner
              && !inner.isEmpty()
              && FIELD.contains(inner.keySet().iterator().next())) {
            condition(inner);
          } else {
            predicate(operator.getValue());
          }
        }
        default -> {}
      }
    }
    TypeCodes.replaceEmptyTypeSet(operators);
  }

  private static MongoServerError notServed(String operator) {
    return new MongoServerError(
        NOT_IMPLEMENTED,
        "NotImplemented",
        "the stand-in does not evaluate "
            + operator
            + " (MongoDB does); it refuses rather than"
            + " answer differently");
  }
}
