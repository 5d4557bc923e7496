package io.tidemark.app.demo.standin;

import de.bwaldvogel.mongo.backend.AbstractCursor;
import de.bwaldvogel.mongo.backend.aggregation.Aggregation;
import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tidemark.app.demo.standin.OplogEntry.Operation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A collection change stream over {@link IndexedOplog}: each batch renders the entries after the
 * stream's position as MongoDB's change events ({@code _id}, {@code operationType}, {@code
 * clusterTime}, {@code wallTime}, {@code ns}, {@code documentKey: {_id}}, {@code fullDocument},
 * {@code updateDescription}), then runs the pipeline stages that followed {@code $changeStream}.
 *
 * <p>Resume tokens are {@code {_data: "82" + the timestamp as 16 hex digits}}: the same leading
 * bytes as MongoDB's tokens (type byte 0x82, then the cluster time), so they sort by time and the
 * timestamp can be read back; they identify an event because every entry has its own timestamp.
 *
 * <p>Threading: the server may run two getMores of one cursor on different threads; batches are
 * synchronized on the cursor.
 */
final class ChangeStreamCursor extends AbstractCursor {

  // MongoDB fills a batch up to 16 MiB; half of it leaves room for the reply around the events.
  private static final int MAX_BATCH_BYTES = 8 * 1024 * 1024;
  // Bounds one getMore's work when the entries after the position belong to other collections.
  private static final int MAX_ENTRIES_SCANNED_PER_BATCH = 100_000;
  private static final String TOKEN_PREFIX = "82";

  private final IndexedOplog oplog;
  private final String database;
  private final String collection;
  private final boolean lookUpFullDocument;
  private final Aggregation stages; // null when $changeStream is the only stage

  private long position; // guarded by this: the timestamp of the last entry this stream has passed
  private volatile boolean invalidated;

  ChangeStreamCursor(
      long id,
      IndexedOplog oplog,
      String database,
      String collection,
      long position,
      boolean lookUpFullDocument,
      Aggregation stages) {
    super(id);
    this.oplog = oplog;
    this.database = database;
    this.collection = collection;
    this.position = position;
    this.lookUpFullDocument = lookUpFullDocument;
    this.stages = stages;
  }

  static Document resumeToken(long timestamp) {
    return new Document("_data", TOKEN_PREFIX + String.format(Locale.ROOT, "%016X", timestamp));
  }

  /** The timestamp in a token made by {@link #resumeToken}; code 260 for anything else. */
  static long timestampOf(Object token) {
    if (token instanceof Document document && document.get("_data") instanceof String data) {
      if (data.length() >= 18 && data.startsWith(TOKEN_PREFIX)) {
        try {
          return Long.parseUnsignedLong(data.substring(2, 18), 16);
        } catch (NumberFormatException e) {
          // falls through to the error below
        }
      }
    }
    throw new MongoServerError(
        260, "InvalidResumeToken", "Not a resume token of this stand-in server: " + token);
  }

  /** Closed by an invalidate event (its collection was dropped); the server then drops it. */
  @Override
  public boolean isEmpty() {
    return invalidated;
  }

  /** The first batch, answered at once as MongoDB does. */
  @Override
  public List<Document> takeDocuments(int batchSize) {
    return nextBatch(batchSize, Duration.ZERO);
  }

  /**
   * The next events; when there are none yet, waits up to {@code await} for a write (as MongoDB's
   * awaitData cursors do, rather than have the driver poll in a tight loop).
   */
  synchronized List<Document> nextBatch(int batchSize, Duration await) {
    if (invalidated) {
      return List.of();
    }
    oplog.checkUnreadHistoryKept(position, database + "." + collection);
    List<Document> batch = readBatch(batchSize);
    if (batch.isEmpty() && !await.isZero() && oplog.awaitNewerThan(position, await)) {
      batch = readBatch(batchSize);
    }
    return batch;
  }

  /** Where the stream stands: a token to resume after everything it has returned or skipped. */
  synchronized Document postBatchResumeToken() {
    return resumeToken(position);
  }

  private List<Document> readBatch(int batchSize) {
    int maxEvents = batchSize > 0 ? batchSize : Integer.MAX_VALUE;
    List<Document> events = new ArrayList<>();
    long bytes = 0;
    int scanned = 0;
    for (OplogEntry entry : oplog.entriesAfter(position)) {
      if (events.size() >= maxEvents
          || bytes >= MAX_BATCH_BYTES
          || scanned >= MAX_ENTRIES_SCANNED_PER_BATCH) {
        break;
      }
      scanned++;
      position = entry.timestamp();
      if (!entry.belongsTo(database, collection)) {
        continue;
      }
      Document event = toEvent(entry);
      events.add(event);
      bytes += encodedSize(event);
      if (entry.operation() == Operation.DROP) {
        events.add(invalidateEvent(entry));
        invalidated = true;
        break;
      }
    }
    if (stages == null || events.isEmpty()) {
      return events;
    }
    // Stages such as $addFields may change the documents they get; the entries must stay intact.
    return stages.runStages(events.stream().map(Document::cloneDeeply));
  }

  private Document toEvent(OplogEntry entry) {
    Document event =
        new Document("_id", resumeToken(entry.timestamp()))
            .append("operationType", entry.operation().eventName())
            .append("clusterTime", new BsonTimestamp(entry.timestamp()))
            .append("wallTime", entry.wallTime());
    switch (entry.operation()) {
      case INSERT, REPLACE -> event.append("fullDocument", entry.document());
      case UPDATE -> {
        if (lookUpFullDocument) {
          // Like MongoDB: the document as it is now, null if it was deleted since.
          event.append(
              "fullDocument",
              oplog.findCurrentDocument(entry.database(), entry.collection(), entry.documentId()));
        }
      }
      default -> {}
    }
    event.append("ns", new Document("db", entry.database()).append("coll", entry.collection()));
    if (entry.operation() != Operation.DROP) {
      event.append("documentKey", new Document("_id", entry.documentId()));
    }
    if (entry.operation() == Operation.UPDATE) {
      event.append("updateDescription", entry.updateDescription());
    }
    return event;
  }

  private static Document invalidateEvent(OplogEntry drop) {
    return new Document("_id", resumeToken(drop.timestamp()))
        .append("operationType", "invalidate")
        .append("clusterTime", new BsonTimestamp(drop.timestamp()))
        .append("wallTime", drop.wallTime());
  }

  private static int encodedSize(Document event) {
    ByteBuf buffer = Unpooled.buffer();
    try {
      BsonEncoder.encodeDocument(event, buffer);
      return buffer.writerIndex();
    } finally {
      buffer.release();
    }
  }
}
