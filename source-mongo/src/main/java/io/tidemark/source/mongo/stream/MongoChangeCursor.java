package io.tidemark.source.mongo.stream;

import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.event.ChangeEvent;
import io.tidemark.core.event.DocumentKey;
import io.tidemark.core.event.Operation;
import io.tidemark.core.event.TransactionId;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.Position;
import io.tidemark.core.spi.ChangeCursor;
import io.tidemark.source.mongo.convert.BsonSourceDocument;
import io.tidemark.source.mongo.convert.DocumentKeys;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;

/**
 * Reads one collection's change stream with {@code tryNext()}, so that the post-batch resume token
 * is seen even while the collection is quiet, and turns each change into a core {@link
 * ChangeEvent}. Not thread-safe: one reader thread.
 */
public final class MongoChangeCursor implements ChangeCursor {
  private final MongoChangeStreamCursor<ChangeStreamDocument<RawBsonDocument>> cursor;
  private final MongoCollection<RawBsonDocument> collection;
  private final SplitEventAssembler splitEvents;
  private ClusterTime lastClusterTime;

  /**
   * @param cursor the opened stream
   * @param collection the same collection, to re-read a document whose update lookup came back
   *     empty
   * @param startTime the cluster time of the position the stream was opened from
   */
  public MongoChangeCursor(
      MongoChangeStreamCursor<ChangeStreamDocument<RawBsonDocument>> cursor,
      MongoCollection<RawBsonDocument> collection,
      ClusterTime startTime) {
    this.cursor = cursor;
    this.collection = collection;
    this.lastClusterTime = startTime;
    this.splitEvents = new SplitEventAssembler(collection.getNamespace().getCollectionName());
  }

  @Override
  public ChangeEvent tryNext() {
    while (true) {
      ChangeStreamDocument<RawBsonDocument> change = cursor.tryNext();
      if (change == null) {
        return null;
      }
      change = splitEvents.add(change);
      if (change == null) {
        continue; // a fragment of an event over 16 MB: the rest follows
      }
      ChangeEvent event = toEvent(change);
      if (event != null) {
        return event;
      }
      // An event type Tidemark does not apply (e.g. createIndexes): move on to the next.
    }
  }

  private ChangeEvent toEvent(ChangeStreamDocument<RawBsonDocument> change) {
    BsonTimestamp clusterTime = change.getClusterTime();
    ClusterTime time =
        clusterTime != null ? MongoPositions.clusterTime(clusterTime) : lastClusterTime;
    lastClusterTime = time;
    String type = change.getOperationTypeString();
    BsonDocument resumeToken = change.getResumeToken();
    if (resumeToken == null) {
      throw new TidemarkException(
          ErrorCode.SOURCE_FAILED,
          "a change event arrived without its resume token (_id); a pipeline stage must not"
              + " remove or change _id");
    }
    Position position = MongoPositions.afterEvent(resumeToken, time, "invalidate".equals(type));
    BsonDocument lsid = change.getLsid();
    BsonInt64 txnNumber = change.getTxnNumber();
    TransactionId txn =
        lsid == null || txnNumber == null
            ? null
            : new TransactionId(lsid.toJson(), txnNumber.longValue());
    BsonDocument documentKey = change.getDocumentKey();
    BsonValue id = documentKey == null ? null : documentKey.get("_id");
    DocumentKey key = id == null ? null : DocumentKeys.of(id);
    switch (type == null ? "" : type) {
      case "insert":
        return new ChangeEvent(Operation.INSERT, key, document(change, id), position, txn, null);
      case "replace":
        return new ChangeEvent(Operation.REPLACE, key, document(change, id), position, txn, null);
      case "update":
        return updated(change, id, key, position, txn);
      case "delete":
        return new ChangeEvent(Operation.DELETE, key, null, position, txn, null);
      case "drop":
      case "dropDatabase":
        return new ChangeEvent(Operation.DROP, null, null, position, txn, type);
      case "rename":
        var destination = change.getDestinationNamespace();
        String to = destination == null ? "unknown" : destination.getFullName();
        return new ChangeEvent(Operation.RENAME, null, null, position, txn, "renamed to " + to);
      case "invalidate":
        return new ChangeEvent(Operation.INVALIDATE, null, null, position, txn, null);
      default:
        return null;
    }
  }

  private static BsonSourceDocument document(
      ChangeStreamDocument<RawBsonDocument> change, BsonValue id) {
    RawBsonDocument full = change.getFullDocument();
    if (full == null) {
      throw new IllegalStateException(
          change.getOperationTypeString() + " event without fullDocument for _id " + id);
    }
    return new BsonSourceDocument(full);
  }

  /**
   * An update carries the document as it is now ({@code updateLookup}). When the lookup found
   * nothing the document was deleted later; it is re-read once more by {@code _id} so nothing is
   * skipped: found, its current state is applied; still absent, the row is deleted (the delete
   * event that follows is then a harmless repeat).
   */
  private ChangeEvent updated(
      ChangeStreamDocument<RawBsonDocument> change,
      BsonValue id,
      DocumentKey key,
      Position position,
      TransactionId txn) {
    RawBsonDocument full = change.getFullDocument();
    if (full == null) {
      full = collection.find(Filters.eq("_id", id)).first();
    }
    if (full == null) {
      return new ChangeEvent(
          Operation.DELETE, key, null, position, txn, "update of a deleted document");
    }
    return new ChangeEvent(
        Operation.UPDATE, key, new BsonSourceDocument(full), position, txn, null);
  }

  @Override
  public Position position() {
    if (splitEvents.inProgress()) {
      return null; // never a position inside a split event: a resume there cannot reassemble it
    }
    BsonDocument token = cursor.getResumeToken();
    if (token == null) {
      return null;
    }
    ClusterTime decoded = MongoPositions.decodeClusterTime(token);
    ClusterTime time =
        decoded != null && decoded.compareTo(lastClusterTime) >= 0 ? decoded : lastClusterTime;
    return MongoPositions.afterEvent(token, time, false);
  }

  @Override
  public void close() {
    cursor.close();
  }
}
