package io.tidemark.source.mongo.convert;

import io.tidemark.core.event.DocumentKey;
import io.tidemark.core.value.JsonText;
import java.math.BigDecimal;
import java.util.regex.Pattern;
import org.bson.BsonValue;

/**
 * The text form of an {@code _id}, the primary key of the target table. It keeps apart what
 * MongoDB keeps apart and maps what MongoDB treats as one {@code _id} to one key, while staying
 * readable for the common types:
 *
 * <ul>
 *   <li>ObjectId: its 24 hex digits ({@code 65a1b2c3d4e5f60718293a4b});
 *   <li>numbers: the exact value in plain digits, the same for every numeric type MongoDB treats
 *       as equal ({@code 1}, {@code NumberLong(1)}, {@code 1.0}, {@code NumberDecimal("1.00")} are
 *       all {@code 1});
 *   <li>strings: themselves ({@code order-17}) — unless the string could be mistaken for another
 *       type's key (it reads as a number or as 24 hex digits, or starts with {@code "}, {@code {}
 *       or {@code [}); then it is written as a JSON string literal ({@code "1"});
 *   <li>every other type (dates, UUIDs, sub-documents, NaN...): canonical Extended JSON, which
 *       always starts with {@code {}.
 * </ul>
 */
public final class DocumentKeys {
  private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");
  private static final Pattern OBJECT_ID = Pattern.compile("[0-9a-fA-F]{24}");

  private DocumentKeys() {}

  public static DocumentKey of(BsonValue id) {
    return new DocumentKey(text(id));
  }

  static String text(BsonValue id) {
    switch (id.getBsonType()) {
      case OBJECT_ID:
        return id.asObjectId().getValue().toHexString();
      case STRING:
        return stringText(id.asString().getValue());
      case INT32:
        return Integer.toString(id.asInt32().getValue());
      case INT64:
        return Long.toString(id.asInt64().getValue());
      case DOUBLE:
        double d = id.asDouble().getValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          return BsonValues.toJson(id, BsonValues.CANONICAL);
        }
        // The exact binary value: MongoDB compares 0.1 (double) and NumberDecimal("0.1") unequal.
        return plain(new BigDecimal(d));
      case DECIMAL128:
        var decimal = id.asDecimal128().getValue();
        if (decimal.isNaN() || decimal.isInfinite()) {
          return BsonValues.toJson(id, BsonValues.CANONICAL);
        }
        return plain(BsonValues.finiteValue(decimal));
      default:
        return BsonValues.toJson(id, BsonValues.CANONICAL);
    }
  }

  private static String stringText(String s) {
    boolean ambiguous =
        NUMBER.matcher(s).matches()
            || OBJECT_ID.matcher(s).matches()
            || s.startsWith("\"")
            || s.startsWith("{")
            || s.startsWith("[");
    return ambiguous ? JsonText.quote(s) : s;
  }

  private static String plain(BigDecimal d) {
    BigDecimal stripped = d.stripTrailingZeros();
    return stripped.signum() == 0 ? "0" : stripped.toPlainString();
  }
}
