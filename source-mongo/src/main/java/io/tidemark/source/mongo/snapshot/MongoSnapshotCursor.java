package io.tidemark.source.mongo.snapshot;

import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoCursor;
import io.tidemark.core.event.SourceDocument;
import io.tidemark.core.spi.SnapshotCursor;
import io.tidemark.source.mongo.convert.BsonSourceDocument;
import io.tidemark.source.mongo.convert.BsonValues;
import org.bson.RawBsonDocument;

/**
 * Documents in {@code _id} order from one find cursor, read in the client session that ties the
 * reads to the copy's start time; closing the cursor ends the session. One reader thread.
 */
public final class MongoSnapshotCursor implements SnapshotCursor {
  private final MongoCursor<RawBsonDocument> cursor;
  private final ClientSession session;
  private RawBsonDocument last;

  /**
   * @param cursor the find cursor, opened in {@code session}
   * @param session the session the cursor reads in; closed with the cursor
   */
  public MongoSnapshotCursor(MongoCursor<RawBsonDocument> cursor, ClientSession session) {
    this.cursor = cursor;
    this.session = session;
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
    try {
      cursor.close();
    } finally {
      session.close();
    }
  }
}
