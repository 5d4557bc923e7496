package io.tidemark.source.mongo.convert;

import io.tidemark.core.event.DocumentKey;
import io.tidemark.core.event.SourceDocument;
import io.tidemark.core.value.FieldPath;
import io.tidemark.core.value.Utf8Text;
import io.tidemark.core.value.Value;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonNull;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;

/**
 * A source document backed by the raw BSON the driver received. Fields are decoded only when a
 * mapping asks for them; the whole-document JSON is written once, on demand.
 */
public final class BsonSourceDocument implements SourceDocument {
  private final RawBsonDocument raw;
  private final DocumentKey key;

  public BsonSourceDocument(RawBsonDocument raw) {
    this.raw = raw;
    this.key = DocumentKeys.of(raw.get("_id"));
  }

  @Override
  public DocumentKey key() {
    return key;
  }

  @Override
  public List<String> fieldNames() {
    return List.copyOf(raw.keySet());
  }

  @Override
  public Value valueAt(FieldPath path) {
    return BsonFields.valueAt(raw, path);
  }

  @Override
  public List<BsonFields.Element> elementsAt(FieldPath path) {
    return BsonFields.elementsAt(raw, path);
  }

  /** Written from the bytes ({@link RelaxedJson}); the driver writes the deprecated types. */
  @Override
  public String toJson() {
    String json = RelaxedJson.of(raw);
    return json != null ? json : raw.toJson(BsonValues.RELAXED);
  }

  /** {@link #toJson()}'s text as UTF-8 bytes, written from the BSON bytes without decoding them. */
  @Override
  public CharSequence toJsonCell() {
    Utf8Text json = RelaxedJson.utf8Of(raw);
    return json != null ? json : raw.toJson(BsonValues.RELAXED);
  }

  @Override
  public String toJsonWithout(List<FieldPath> mappedFields) {
    BsonDocument copy = new BsonDocument();
    copy.putAll(raw);
    copy.remove("_id");
    for (FieldPath path : mappedFields) {
      remove(copy, path.segments(), 0);
    }
    return copy.toJson(BsonValues.RELAXED);
  }

  /**
   * Removes the path's leaf from {@code container} (a document or array made mutable on the way
   * down), and drops a sub-document the removal left empty. Returns true when the removal left
   * {@code container} empty; a path that ends early (a missing field, a single value where the path
   * goes on) removes nothing, so a sub-document that was empty already is kept.
   */
  private static boolean remove(BsonValue container, List<String> segments, int depth) {
    String segment = segments.get(depth);
    boolean last = depth == segments.size() - 1;
    if (container instanceof BsonDocument doc) {
      BsonValue child = doc.get(segment);
      if (child == null) {
        return false;
      }
      if (last) {
        doc.remove(segment);
        return doc.isEmpty();
      }
      BsonValue mutable = mutableCopy(child);
      if (mutable == null) {
        return false;
      }
      doc.put(segment, mutable);
      if (remove(mutable, segments, depth + 1)) {
        doc.remove(segment);
      }
      return doc.isEmpty();
    }
    // An array element addressed by index stays in place, so the other indexes keep their meaning;
    // only its mapped content is removed (a mapped scalar element becomes null).
    if (container instanceof BsonArray array && BsonFields.isIndex(segment)) {
      int index = Integer.parseInt(segment);
      if (index < array.size()) {
        if (last) {
          array.set(index, BsonNull.VALUE);
        } else {
          BsonValue mutable = mutableCopy(array.get(index));
          if (mutable != null) {
            array.set(index, mutable);
            remove(mutable, segments, depth + 1);
          }
        }
      }
      return false;
    }
    return false;
  }

  /** A mutable copy of a sub-document or array (raw ones are read-only); null for scalars. */
  private static BsonValue mutableCopy(BsonValue value) {
    if (value instanceof BsonDocument doc) {
      BsonDocument copy = new BsonDocument();
      copy.putAll(doc);
      return copy;
    }
    if (value instanceof BsonArray array) {
      return new BsonArray(new java.util.ArrayList<>(array.getValues()));
    }
    return null;
  }

  @Override
  public int sizeInBytes() {
    return raw.getByteBuffer().remaining();
  }

  @Override
  public String toString() {
    return "document " + key;
  }
}
