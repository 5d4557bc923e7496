package io.tidemark.source.mongo.stream;

import com.mongodb.client.model.changestream.ChangeStreamDocument;
import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.event.ChangeEvent;
import io.tidemark.core.event.DocumentKey;
import io.tidemark.core.event.Operation;
import io.tidemark.core.event.TransactionId;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.Position;
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
 * Turns one collection's changes, as the driver reads them, into core {@link ChangeEvent}s: puts
 * split events back together, reads a document by {@code _id} where the event could not carry it,
 * and gives every event the position to resume after it. Not thread-safe: one per reader.
 */
public final class ChangeEvents {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeEvents.class);

  private final String collection;
  private final DocumentLookup lookup;
  private final SplitEventAssembler splitEvents;
  private ClusterTime lastClusterTime;

  /**
   * @param collection the collection's name, for messages
   * @param lookup reads a document whose update lookup came back empty, or that an event over 16 MB
   *     could not carry, by {@code _id} after the event's time
   * @param startTime the cluster time of the position the stream was opened from
   */
  public ChangeEvents(String collection, DocumentLookup lookup, ClusterTime startTime) {
    this.collection = collection;
    this.lookup = lookup;
    this.lastClusterTime = startTime;
    this.splitEvents = new SplitEventAssembler(collection);
  }

  /**
   * The event a change makes, or null when it makes none yet (a fragment of an event over 16 MB,
   * the rest follows) or none at all (a kind Tidemark does not apply, such as {@code
   * createIndexes}).
   */
  public ChangeEvent toEvent(RawChangeStream.Change read) {
    ChangeStreamDocument<RawBsonDocument> change = splitEvents.add(read.document());
    return change == null ? null : toEvent(change, read.stripped());
  }

  /**
   * Where to resume to skip everything read so far, given the stream's resume token (null when it
   * has none yet); never a position inside a split event, where a resume could not reassemble it.
   */
  public Position positionAt(BsonDocument token) {
    if (token == null || splitEvents.inProgress()) {
      return null;
    }
    ClusterTime decoded = MongoPositions.decodeClusterTime(token);
    ClusterTime time =
        decoded != null && decoded.compareTo(lastClusterTime) >= 0 ? decoded : lastClusterTime;
    return MongoPositions.afterEvent(token, time, false);
  }

  /** Whether some fragments of a split event were read and the rest were not. */
  public boolean insideSplitEvent() {
    return splitEvents.inProgress();
  }

  private ChangeEvent toEvent(ChangeStreamDocument<RawBsonDocument> change, boolean stripped) {
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
        return withDocument(Operation.INSERT, change, stripped, id, key, position, txn);
      case "replace":
        return withDocument(Operation.REPLACE, change, stripped, id, key, position, txn);
      case "update":
        return withDocument(Operation.UPDATE, change, stripped, id, key, position, txn);
      case "delete":
        return new ChangeEvent(Operation.DELETE, key, null, position, txn, null);
      case "drop":
      case "dropDatabase":
        return new ChangeEvent(Operation.DROP, null, null, position, txn, type);
      case "rename":
        var source = change.getNamespace();
        var destination = change.getDestinationNamespace();
        String from = source == null ? "unknown" : source.getFullName();
        String to = destination == null ? "unknown" : destination.getFullName();
        boolean renamedAway = source == null || collection.equals(source.getCollectionName());
        return new ChangeEvent(
            Operation.RENAME,
            null,
            null,
            position,
            txn,
            renamedAway ? "renamed to " + to : from + " was renamed onto it (" + to + ")");
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
      boolean stripped,
      BsonValue id,
      DocumentKey key,
      Position position,
      TransactionId txn) {
    RawBsonDocument full = change.getFullDocument();
    if (full == null) {
      if (stripped) {
        LOG.warn(
            "{}: {} event for _id {} at {} was over MongoDB's 16 MB limit: its document is read by"
                + " _id instead (its current state)",
            collection,
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
}
