package io.tidemark.source.mongo.convert;

import io.tidemark.core.event.DocumentKey;
import io.tidemark.core.event.SourceDocument;
import io.tidemark.core.value.FieldPath;
import io.tidemark.core.value.Value;
import org.bson.BsonArray;
import org.bson.BsonDocument;
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
  public Value valueAt(FieldPath path) {
    BsonValue current = raw;
    for (String segment : path.segments()) {
      if (current instanceof BsonDocument doc) {
        current = doc.get(segment);
      } else if (current instanceof BsonArray array && isIndex(segment)) {
        int index = Integer.parseInt(segment);
        current = index < array.size() ? array.get(index) : null;
      } else {
        return new Value.Missing();
      }
      if (current == null) {
        return new Value.Missing();
      }
    }
    return BsonValues.toValue(current);
  }

  private static boolean isIndex(String segment) {
    if (segment.isEmpty() || segment.length() > 9) {
      return false;
    }
    for (int i = 0; i < segment.length(); i++) {
      if (!Character.isDigit(segment.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toJson() {
    return raw.toJson(BsonValues.RELAXED);
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
