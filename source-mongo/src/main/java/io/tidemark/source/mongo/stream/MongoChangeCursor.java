package io.tidemark.source.mongo.stream;

import com.mongodb.MongoServerException;
import com.mongodb.client.MongoChangeStreamCursor;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one collection's change stream with {@code tryNext()}, so that the post-batch resume token
 * is seen even while the collection is quiet, and turns each change into a core {@link
 * ChangeEvent}. Not thread-safe: one reader thread.
 */
public final class MongoChangeCursor implements ChangeCursor {
  private static final Logger LOG = LoggerFactory.getLogger(MongoChangeCursor.class);
  private static final int BSON_OBJECT_TOO_LARGE = 10334;

  private final String collection;
  private final DocumentLookup lookup;
  private final SplitEventAssembler splitEvents;
  private final Reopener reopener;
  private MongoChangeStreamCursor<ChangeStreamDocument<RawBsonDocument>> cursor;
  // Whether the cursor is the stripped stream, and whether it has returned an event yet.
  private boolean stripped;
  private boolean strippedEventRead;
  private ClusterTime lastClusterTime;

  /**
   * Opens the same stream again after a resume token, for a server that can neither split nor send
   * an event over 16 MB: stripped of every event's document ({@link
   * LargeEvents#strippingPipeline()}, no update lookup), or normal again.
   */
  @FunctionalInterface
  public interface Reopener {
    /**
     * @param resumeToken the token of the last event read, or null to start where the stream did
     * @param stripped true for the stream without documents, false for the normal one
     */
    MongoChangeStreamCursor<ChangeStreamDocument<RawBsonDocument>> reopen(
        BsonDocument resumeToken, boolean stripped);
  }

  /**
   * @param cursor the opened stream
   * @param collection the collection's name, for messages
   * @param lookup reads a document whose update lookup came back empty, or that an event over 16 MB
   *     could not carry, by {@code _id} after the event's time
   * @param startTime the cluster time of the position the stream was opened from
   * @param reopener opens the stream again without the documents to get past an event over 16 MB,
   *     or null when an event over 16 MB is an error ({@link LargeEvents})
   */
  public MongoChangeCursor(
      MongoChangeStreamCursor<ChangeStreamDocument<RawBsonDocument>> cursor,
      String collection,
      DocumentLookup lookup,
      ClusterTime startTime,
      Reopener reopener) {
    this.cursor = cursor;
    this.collection = collection;
    this.lookup = lookup;
    this.lastClusterTime = startTime;
    this.reopener = reopener;
    this.splitEvents = new SplitEventAssembler(collection);
  }

  /** A cursor for a server that splits large events, or where they are an error. */
  public MongoChangeCursor(
      MongoChangeStreamCursor<ChangeStreamDocument<RawBsonDocument>> cursor,
      String collection,
      DocumentLookup lookup,
      ClusterTime startTime) {
    this(cursor, collection, lookup, startTime, null);
  }

  @Override
  public ChangeEvent tryNext() {
    while (true) {
      ChangeStreamDocument<RawBsonDocument> change = next();
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

  /**
   * The next change. When the server refuses to send one over 16 MB, the stream is opened again
   * after the last event read, stripped of documents; once the stripped stream has returned an
   * event (the refused one), the normal stream is opened again after it, so only that event costs a
   * read by {@code _id}.
   */
  private ChangeStreamDocument<RawBsonDocument> next() {
    if (stripped && strippedEventRead) {
      switchTo(false);
    }
    try {
      ChangeStreamDocument<RawBsonDocument> change = cursor.tryNext();
      strippedEventRead = stripped && change != null;
      return change;
    } catch (MongoServerException e) {
      if (e.getCode() != BSON_OBJECT_TOO_LARGE || reopener == null || stripped) {
        throw e;
      }
      LOG.warn(
          "the next change event is over MongoDB's 16 MB limit and this server cannot split"
              + " it; reading past it on a stream without documents, the document is read by _id");
      switchTo(true);
      ChangeStreamDocument<RawBsonDocument> change = cursor.tryNext();
      strippedEventRead = change != null;
      return change;
    }
  }

  /** Reopens the stream after the last event read, stripped or normal. */
  private void switchTo(boolean strip) {
    BsonDocument resumeToken = cursor.getResumeToken();
    cursor.close();
    cursor = reopener.reopen(resumeToken, strip);
    stripped = strip;
    strippedEventRead = false;
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
        return withDocument(Operation.INSERT, change, id, key, position, txn);
      case "replace":
        return withDocument(Operation.REPLACE, change, id, key, position, txn);
      case "update":
        return withDocument(Operation.UPDATE, change, id, key, position, txn);
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

  /**
   * An insert, replace or update with the document it carries. An update carries the document as it
   * is now ({@code updateLookup}); when the lookup found nothing the document was deleted later. An
   * event read from the stream stripped of documents (it was over 16 MB) carries none. Either way
   * the document is read once more by {@code _id}, so nothing is skipped: found, its current state
   * is applied (later events for it follow in the stream); still absent, the row is deleted (the
   * delete event that follows is then a harmless repeat).
   */
  private ChangeEvent withDocument(
      Operation operation,
      ChangeStreamDocument<RawBsonDocument> change,
      BsonValue id,
      DocumentKey key,
      Position position,
      TransactionId txn) {
    RawBsonDocument full = change.getFullDocument();
    if (full == null) {
      if (stripped) {
        LOG.warn(
            "{} event for _id {} at {} was over MongoDB's 16 MB limit: its document is read by"
                + " _id instead (its current state)",
            change.getOperationTypeString(),
            key,
            position.clusterTime());
      } else if (operation != Operation.UPDATE) {
        throw new IllegalStateException(
            change.getOperationTypeString() + " event without fullDocument for _id " + id);
      }
      full = lookup.byId(id, position.clusterTime());
    }
    if (full == null) {
      return new ChangeEvent(
          Operation.DELETE,
          key,
          null,
          position,
          txn,
          change.getOperationTypeString() + " of a deleted document");
    }
    return new ChangeEvent(operation, key, new BsonSourceDocument(full), position, txn, null);
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
