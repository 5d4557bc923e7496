package io.tidemark.source.mongo.convert;

import io.tidemark.core.value.Value;
import java.io.StringWriter;
import java.util.UUID;
import org.bson.BsonBinary;
import org.bson.BsonBinarySubType;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.codecs.BsonValueCodec;
import org.bson.codecs.EncoderContext;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriter;
import org.bson.json.JsonWriterSettings;
import org.bson.types.Decimal128;

/** Converts BSON values into core's {@link Value} model. */
public final class BsonValues {
  /** MongoDB relaxed Extended JSON: numbers stay numbers, dates stay readable. */
  public static final JsonWriterSettings RELAXED =
      JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build();

  /** Canonical Extended JSON: round-trips every BSON type exactly (used for opaque marks). */
  public static final JsonWriterSettings CANONICAL =
      JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build();

  private static final BsonValueCodec CODEC = new BsonValueCodec();

  private BsonValues() {}

  public static Value toValue(BsonValue v) {
    if (v == null) {
      return new Value.Missing();
    }
    switch (v.getBsonType()) {
      case NULL:
        return new Value.Null();
      case STRING:
        return new Value.Text(v.asString().getValue());
      case INT32:
        return new Value.Int32(v.asInt32().getValue());
      case INT64:
        return new Value.Int64(v.asInt64().getValue());
      case DOUBLE:
        return new Value.Double(v.asDouble().getValue());
      case DECIMAL128:
        return decimal(v.asDecimal128().getValue());
      case BOOLEAN:
        return new Value.Bool(v.asBoolean().getValue());
      case DATE_TIME:
        return new Value.DateTime(v.asDateTime().getValue());
      case OBJECT_ID:
        return new Value.ObjectId(v.asObjectId().getValue().toHexString());
      case BINARY:
        return binary(v.asBinary());
      case ARRAY:
        return new Value.Array(new ArrayElements(v.asArray()), toJson(v, RELAXED));
      default:
        return new Value.Json(typeName(v), toJson(v, RELAXED));
    }
  }

  private static Value decimal(Decimal128 d) {
    if (d.isNaN()) {
      return new Value.Decimal(null, "NaN");
    }
    if (d.isInfinite()) {
      return new Value.Decimal(null, d.isNegative() ? "-Infinity" : "Infinity");
    }
    java.math.BigDecimal value = finiteValue(d);
    boolean negativeZero = d.isNegative() && value.signum() == 0;
    return new Value.Decimal(value, negativeZero ? d.toString() : null);
  }

  /**
   * The exact value of a finite Decimal128. Negative zero, which BigDecimal cannot hold, is zero
   * (MongoDB compares them equal).
   */
  static java.math.BigDecimal finiteValue(Decimal128 d) {
    try {
      return d.bigDecimalValue();
    } catch (ArithmeticException negativeZero) {
      return new java.math.BigDecimal(d.toString()).abs();
    }
  }

  private static Value binary(BsonBinary b) {
    if (b.getType() == BsonBinarySubType.UUID_STANDARD.getValue() && b.getData().length == 16) {
      return new Value.Uuid(b.asUuid());
    }
    return new Value.Binary(b.getType() & 0xFF, b.getData());
  }

  /** Type names as MongoDB users know them, for error messages. */
  static String typeName(BsonValue v) {
    switch (v.getBsonType()) {
      case DOCUMENT:
        return "Document";
      case ARRAY:
        return "Array";
      case TIMESTAMP:
        return "Timestamp";
      case REGULAR_EXPRESSION:
        return "Regex";
      case JAVASCRIPT:
        return "JavaScript";
      case JAVASCRIPT_WITH_SCOPE:
        return "JavaScriptWithScope";
      case MIN_KEY:
        return "MinKey";
      case MAX_KEY:
        return "MaxKey";
      case SYMBOL:
        return "Symbol";
      case DB_POINTER:
        return "DBPointer";
      case UNDEFINED:
        return "Undefined";
      default:
        return v.getBsonType().name();
    }
  }

  /** One value (not only a document) as Extended JSON. */
  public static String toJson(BsonValue value, JsonWriterSettings settings) {
    if (value.isDocument()) {
      return value.asDocument().toJson(settings);
    }
    // JsonWriter can only write values inside a document: write {"v": value} and cut it out.
    StringWriter out = new StringWriter();
    JsonWriter writer = new JsonWriter(out, settings);
    writer.writeStartDocument();
    writer.writeName("v");
    CODEC.encode(writer, value, EncoderContext.builder().build());
    writer.writeEndDocument();
    writer.flush();
    String wrapped = out.toString();
    int start = wrapped.indexOf(':') + 1;
    return wrapped.substring(start, wrapped.lastIndexOf('}')).trim();
  }

  /** A UUID as BSON binary subtype 4, for tests and key decoding. */
  public static BsonBinary uuid(UUID id) {
    return new BsonBinary(id);
  }

  /** Parses a value written by {@link #toJson} in canonical mode. */
  public static BsonValue parseCanonical(String json) {
    return BsonDocument.parse("{\"v\": " + json + "}").get("v");
  }
}
