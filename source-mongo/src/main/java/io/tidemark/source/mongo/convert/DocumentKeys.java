package io.tidemark.source.mongo.convert;

import io.tidemark.core.event.DocumentKey;
import java.math.BigDecimal;
import org.bson.BsonValue;

/**
 * The text form of an {@code _id}, the primary key of the target table. Readable for the common
 * types — an ObjectId as its 24 hex digits, a string as itself, an integral number as its digits —
 * and canonical Extended JSON for every other type.
 *
 * <p>Numbers that MongoDB treats as equal ({@code 1}, {@code NumberLong(1)}, {@code 1.0}) get the
 * same text, as MongoDB maps them to one document.
 */
public final class DocumentKeys {
  private DocumentKeys() {}

  public static DocumentKey of(BsonValue id) {
    return new DocumentKey(text(id));
  }

  static String text(BsonValue id) {
    switch (id.getBsonType()) {
      case OBJECT_ID:
        return id.asObjectId().getValue().toHexString();
      case STRING:
        return id.asString().getValue();
      case INT32:
        return Integer.toString(id.asInt32().getValue());
      case INT64:
        return Long.toString(id.asInt64().getValue());
      case DOUBLE:
        return numberText(id.asDouble().getValue());
      case DECIMAL128:
        var d = id.asDecimal128().getValue();
        if (d.isNaN() || d.isInfinite()) {
          return BsonValues.toJson(id, BsonValues.CANONICAL);
        }
        return plain(BsonValues.finiteValue(d));
      default:
        return BsonValues.toJson(id, BsonValues.CANONICAL);
    }
  }

  private static String numberText(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return Double.toString(d);
    }
    return plain(new BigDecimal(Double.toString(d)));
  }

  private static String plain(BigDecimal d) {
    BigDecimal stripped = d.stripTrailingZeros();
    return stripped.signum() == 0 ? "0" : stripped.toPlainString();
  }
}
