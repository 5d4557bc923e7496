package io.tidemark.connect.decode;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;

/**
 * Turns a record's key or value, in whatever form the worker's converter produced, into one BSON
 * document to read fields from: a {@link Struct} (JSON with schemas, Avro), a {@link Map}
 * (schemaless JSON), or the message's text as a {@link String} or {@code byte[]} (String and
 * ByteArray converters), which is parsed as MongoDB Extended JSON, relaxed or canonical.
 */
public final class RecordValues {
  private RecordValues() {}

  /**
   * A key or value as text for a dead letter: the message's own text, or a structured value as
   * JSON; what cannot be read as a document is described as Java prints it.
   */
  public static String text(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
    if (value instanceof String s) {
      return s;
    }
    try {
      return toDocument(value).toJson();
    } catch (RuntimeException e) {
      return value.toString();
    }
  }

  /**
   * @return the document, or null for a null value
   * @throws IllegalArgumentException when the value is not a document in any of those forms
   */
  static BsonDocument toDocument(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof byte[] bytes) {
      return parse(new String(bytes, StandardCharsets.UTF_8));
    }
    if (value instanceof String text) {
      return parse(text);
    }
    BsonValue converted = toBson(value);
    if (!converted.isDocument()) {
      throw new IllegalArgumentException(
          "expected a document, found " + value.getClass().getSimpleName());
    }
    return converted.asDocument();
  }

  /** Parses Extended JSON text, canonical or relaxed (the driver's reader takes both). */
  static BsonDocument parse(String json) {
    try {
      return BsonDocument.parse(json);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a JSON document: " + e.getMessage(), e);
    }
  }

  /**
   * Parses Extended JSON text straight into raw BSON, without building the tree {@link #parse}
   * builds: a full document is mapped from raw BSON, so the tree would only be encoded again.
   */
  static RawBsonDocument parseRaw(String json) {
    try {
      return RawBsonDocument.parse(json);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a JSON document: " + e.getMessage(), e);
    }
  }

  private static BsonValue toBson(Object value) {
    if (value == null) {
      return BsonNull.VALUE;
    }
    if (value instanceof Struct struct) {
      BsonDocument document = new BsonDocument();
      for (Field field : struct.schema().fields()) {
        document.put(field.name(), toBson(struct.get(field)));
      }
      return document;
    }
    if (value instanceof Map<?, ?> map) {
      BsonDocument document = new BsonDocument();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        document.put(String.valueOf(e.getKey()), toBson(e.getValue()));
      }
      return document;
    }
    if (value instanceof List<?> list) {
      BsonArray array = new BsonArray();
      for (Object element : list) {
        array.add(toBson(element));
      }
      return array;
    }
    if (value instanceof String s) {
      return new BsonString(s);
    }
    if (value instanceof Boolean b) {
      return BsonBoolean.valueOf(b);
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return new BsonInt32(((Number) value).intValue());
    }
    if (value instanceof Long l) {
      return new BsonInt64(l);
    }
    if (value instanceof Number n) {
      return new BsonDouble(n.doubleValue());
    }
    throw new IllegalArgumentException(
        "a field of type " + value.getClass().getSimpleName() + " is not read by this sink");
  }
}
