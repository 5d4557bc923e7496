package io.tidemark.source.mongo.snapshot;

import com.mongodb.client.MongoCursor;
import io.tidemark.core.event.SourceDocument;
import io.tidemark.core.spi.SnapshotCursor;
import io.tidemark.source.mongo.convert.BsonSourceDocument;
import io.tidemark.source.mongo.convert.BsonValues;
import org.bson.RawBsonDocument;

/** Documents in {@code _id} order from one find cursor. One reader thread. */
public final class MongoSnapshotCursor implements SnapshotCursor {
  private final MongoCursor<RawBsonDocument> cursor;
  private RawBsonDocument last;

  public MongoSnapshotCursor(MongoCursor<RawBsonDocument> cursor) {
    this.cursor = cursor;
  }

  @Override
  public SourceDocument next() {
    if (!cursor.hasNext()) {
      return null;
    }
    last = cursor.next();
    return new BsonSourceDocument(last);
  }

  @Override
  public String markAfterLast() {
    return last == null ? null : BsonValues.toJson(last.get("_id"), BsonValues.CANONICAL);
  }

  @Override
  public void close() {
    cursor.close();
  }
}
