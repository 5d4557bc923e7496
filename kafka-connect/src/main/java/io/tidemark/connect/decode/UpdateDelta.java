package io.tidemark.connect.decode;

import java.util.ArrayList;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonBinaryReader;
import org.bson.BsonDocument;
import org.bson.BsonNull;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.bson.codecs.DecoderContext;

/**
 * What an update changed, when a record carries no full document: MongoDB's {@code
 * updateDescription}, or Debezium's copy of it. Applied to the document as it was, it gives the
 * document as it is.
 *
 * <p>MongoDB reports an update as three sets of dotted paths (manual, "update Event": {@code
 * updateDescription.updatedFields}, {@code removedFields}, {@code truncatedArrays}). They are
 * applied in the order that reproduces the update: arrays are cut to their new size first, so that
 * an updated index at or past it appends; then fields are set, creating the sub-documents a path
 * needs and padding an array with nulls up to a new index, as {@code $set} does; then fields are
 * removed. A numeric path segment is an array index where the value there is an array, a field name
 * where it is a document.
 *
 * @param updated path → new value
 * @param removed paths removed
 * @param truncated arrays cut to a new size
 */
public record UpdateDelta(
    RawBsonDocument updated, List<String> removed, List<Truncation> truncated) {

  private static final BsonDocumentCodec CODEC = new BsonDocumentCodec();

  /** An array cut to {@code size} elements. */
  public record Truncation(String field, int size) {}

  public UpdateDelta {
    removed = List.copyOf(removed);
    truncated = List.copyOf(truncated);
  }

  /**
   * Reads {@code updateDescription} in MongoDB's form (documents, {@code newSize}) or Debezium's
   * ({@code updatedFields} as Extended JSON text, {@code size}).
   *
   * @throws IllegalArgumentException when it is neither
   */
  static UpdateDelta from(BsonValue description) {
    if (description != null && description.isString()) {
      // MongoDB's connector writes sub-documents of a schema'd value as JSON text.
      description = RecordValues.parse(description.asString().getValue());
    }
    if (description == null || !description.isDocument()) {
      throw new IllegalArgumentException(
          "an update with neither a full document nor updateDescription");
    }
    BsonDocument d = description.asDocument();
    BsonValue fields = d.get("updatedFields");
    BsonDocument sets =
        fields == null || fields.isNull()
            ? new BsonDocument()
            : fields.isString()
                ? RecordValues.parse(fields.asString().getValue())
                : fields.asDocument();
    List<String> removed = new ArrayList<>();
    if (d.isArray("removedFields")) {
      for (BsonValue v : d.getArray("removedFields")) {
        removed.add(v.asString().getValue());
      }
    }
    List<Truncation> truncated = new ArrayList<>();
    if (d.isArray("truncatedArrays")) {
      for (BsonValue v : d.getArray("truncatedArrays")) {
        BsonDocument t = v.asDocument();
        BsonValue size = t.containsKey("newSize") ? t.get("newSize") : t.get("size");
        truncated.add(new Truncation(t.getString("field").getValue(), size.asNumber().intValue()));
      }
    }
    return new UpdateDelta(raw(sets), removed, truncated);
  }

  /**
   * The document after the update; {@code before} is not changed.
   *
   * @throws IllegalArgumentException when a path does not fit the document (a field of a scalar, an
   *     index of a document that is no array)
   */
  public BsonDocument applyTo(BsonDocument before) {
    // Copies that can be changed all the way down: raw BSON, and what it holds, is read-only.
    BsonDocument after = mutableCopy(before);
    for (Truncation t : truncated) {
      BsonValue array = valueAt(after, t.field());
      if (array == null || !array.isArray()) {
        throw new IllegalArgumentException(
            "truncatedArrays names " + t.field() + ", which is no array in the stored document");
      }
      BsonArray values = array.asArray();
      while (values.size() > t.size()) {
        values.remove(values.size() - 1);
      }
    }
    for (var e : mutableCopy(updated).entrySet()) {
      set(after, e.getKey(), e.getValue());
    }
    for (String path : removed) {
      remove(after, path);
    }
    return after;
  }

  /** The document as raw BSON, which is immutable. */
  public static RawBsonDocument raw(BsonDocument document) {
    return document instanceof RawBsonDocument r ? r : new RawBsonDocument(document, CODEC);
  }

  /** A deep copy every part of which can be changed. */
  public static BsonDocument mutableCopy(BsonDocument document) {
    try (BsonBinaryReader reader = new BsonBinaryReader(raw(document).getByteBuffer().asNIO())) {
      return CODEC.decode(reader, DecoderContext.builder().build());
    }
  }

  private static BsonValue valueAt(BsonValue root, String path) {
    BsonValue at = root;
    for (String segment : path.split("\\.")) {
      at = child(at, segment);
      if (at == null) {
        return null;
      }
    }
    return at;
  }

  private static BsonValue child(BsonValue container, String segment) {
    if (container.isDocument()) {
      return container.asDocument().get(segment);
    }
    if (container.isArray() && isIndex(segment)) {
      List<BsonValue> values = container.asArray().getValues();
      int i = Integer.parseInt(segment);
      return i < values.size() ? values.get(i) : null;
    }
    return null;
  }

  private static void set(BsonDocument root, String path, BsonValue value) {
    String[] segments = path.split("\\.");
    BsonValue at = root;
    for (int i = 0; i < segments.length - 1; i++) {
      BsonValue next = child(at, segments[i]);
      if (next == null || next.isNull()) {
        next = new BsonDocument();
        put(at, segments[i], next, path);
      }
      at = next;
    }
    put(at, segments[segments.length - 1], value, path);
  }

  private static void put(BsonValue container, String segment, BsonValue value, String path) {
    if (container.isDocument()) {
      container.asDocument().put(segment, value);
    } else if (container.isArray() && isIndex(segment)) {
      BsonArray array = container.asArray();
      int i = Integer.parseInt(segment);
      while (array.size() <= i) {
        array.add(BsonNull.VALUE);
      }
      array.set(i, value);
    } else {
      throw new IllegalArgumentException(
          "updatedFields sets "
              + path
              + ", but the stored document has no document or array there");
    }
  }

  private static void remove(BsonDocument root, String path) {
    int dot = path.lastIndexOf('.');
    BsonValue parent = dot < 0 ? root : valueAt(root, path.substring(0, dot));
    String last = path.substring(dot + 1);
    if (parent != null && parent.isDocument()) {
      parent.asDocument().remove(last);
    } else if (parent != null && parent.isArray() && isIndex(last)) {
      // $unset of an array element leaves null in its place.
      BsonArray array = parent.asArray();
      int i = Integer.parseInt(last);
      if (i < array.size()) {
        array.set(i, BsonNull.VALUE);
      }
    }
  }

  private static boolean isIndex(String segment) {
    if (segment.isEmpty() || segment.length() > 9) {
      return false;
    }
    for (int i = 0; i < segment.length(); i++) {
      if (segment.charAt(i) < '0' || segment.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** The delta as JSON, for a dead letter's document and for messages. */
  public String toJson() {
    BsonDocument d = new BsonDocument("updatedFields", updated);
    BsonArray r = new BsonArray();
    removed.forEach(p -> r.add(new org.bson.BsonString(p)));
    d.put("removedFields", r);
    BsonArray t = new BsonArray();
    truncated.forEach(
        x ->
            t.add(
                new BsonDocument("field", new org.bson.BsonString(x.field()))
                    .append("newSize", new org.bson.BsonInt32(x.size()))));
    d.put("truncatedArrays", t);
    return d.toJson();
  }
}
