package io.tidemark.source.mongo.convert;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt64;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.json.JsonParseException;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;

/**
 * The {@code _id} values whose key text is a given text: the inverse of {@link DocumentKeys}. A
 * lookup asks for every candidate and keeps the documents whose key text matches, so a candidate
 * too many costs nothing.
 */
public final class KeyIds {
  private static final Pattern OBJECT_ID = Pattern.compile("[0-9a-f]{24}");
  private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");

  private KeyIds() {}

  public static List<BsonValue> candidates(String key) {
    List<BsonValue> out = new ArrayList<>(3);
    if (key.startsWith("\"") || key.startsWith("{") || key.startsWith("[")) {
      // A quoted string (one that reads as another type's key) or canonical Extended JSON.
      try {
        out.add(BsonDocument.parse("{\"v\": " + key + "}").get("v"));
      } catch (JsonParseException | IllegalArgumentException e) {
        // Not JSON after all: only the plain string can match.
      }
    } else if (OBJECT_ID.matcher(key).matches()) {
      out.add(new BsonObjectId(new ObjectId(key)));
    } else if (NUMBER.matcher(key).matches()) {
      // MongoDB compares numbers by value across types, so one candidate per value finds int,
      // long and decimal _ids; a double's key is its exact binary value, which a double finds.
      BigDecimal value = new BigDecimal(key);
      try {
        out.add(new BsonInt64(value.longValueExact()));
      } catch (ArithmeticException notALong) {
        double d = value.doubleValue();
        if (!Double.isInfinite(d) && new BigDecimal(d).compareTo(value) == 0) {
          out.add(new BsonDouble(d));
        }
        try {
          out.add(new BsonDecimal128(new Decimal128(value)));
        } catch (NumberFormatException notADecimal128) {
          // Decimal128 cannot hold it exactly.
        }
      }
    }
    out.add(new BsonString(key));
    return out;
  }
}
