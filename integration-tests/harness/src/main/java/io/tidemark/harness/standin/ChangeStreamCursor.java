package io.tidemark.harness.standin;

import de.bwaldvogel.mongo.backend.AbstractCursor;
import de.bwaldvogel.mongo.backend.aggregation.Aggregation;
import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tidemark.harness.standin.OplogEntry.Operation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A change stream over {@link IndexedOplog}, on one collection or a whole database ({@code
 * aggregate: 1}): each batch renders the entries after the stream's position as MongoDB's change
 * events, then runs the stages that followed {@code $changeStream}.
 *
 * <p>Which entries a stream sees, and what ends it, follow {@code buildOperationFilter} and {@code
 * buildInvalidationFilter} ({@code src/mongo/db/pipeline/change_stream_filter_helpers.cpp}):
 *
 * <ul>
 *   <li>a collection stream: the collection's writes, its {@code drop}, and a {@code rename} from
 *       or to it, each of the last two followed by {@code invalidate}; not {@code dropDatabase}
 *       (the collection's own {@code drop} comes first);
 *   <li>a database stream: every collection's writes, {@code drop}s and {@code rename}s (system
 *       collections are never logged), and {@code dropDatabase}, followed by {@code invalidate}.
 * </ul>
 *
 * Event fields follow {@code docs/change_stream_events.md} of {@code mongodb/mongo}: every event
 * has {@code _id}, {@code operationType}, {@code clusterTime}, {@code wallTime}; all but {@code
 * invalidate} have {@code ns} ({@code {db}} alone for {@code dropDatabase}); writes have {@code
 * documentKey: {_id}}; inserts and replaces {@code fullDocument}; updates {@code updateDescription}
 * (and the current document with {@code updateLookup}); a rename {@code to}. Tokens: {@link
 * ResumeTokens}.
 *
 * <p>Threading: the server may run two getMores of one cursor on different threads; batches are
 * synchronized on the cursor.
 */
final class ChangeStreamCursor extends AbstractCursor {

  // MongoDB fills a batch up to 16 MiB (source/change-streams/change-streams.md of
  // mongodb/specifications); half of it leaves room for the reply around the events.
  private static final int MAX_BATCH_BYTES = 8 * 1024 * 1024;
  // Bounds one getMore's work when the entries after the position belong to other collections.
  private static final int MAX_ENTRIES_SCANNED_PER_BATCH = 100_000;

  private final IndexedOplog oplog;
  private final String database;
  private final String collection; // null for a whole-database stream
  private final boolean lookUpFullDocument;
  private final Aggregation stages; // null when $changeStream is the only stage

  private long position; // guarded by this: the timestamp of the last entry this stream has passed
  private volatile boolean invalidated;

  ChangeStreamCursor(long id, IndexedOplog oplog, ChangeStreamRequest request, Aggregation stages) {
    super(id);
    this.oplog = oplog;
    this.database = request.database();
    this.collection = request.collection();
    this.position = request.start();
    this.lookUpFullDocument = request.lookUpFullDocument();
    this.stages = request.stages().isEmpty() ? null : stages;
  }

  /** Closed by an invalidate event; the server then drops it. */
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
    oplog.checkUnreadHistoryKept(position);
    List<Document> batch = readBatch(batchSize);
    if (batch.isEmpty() && !await.isZero() && oplog.awaitNewerThan(position, await)) {
      batch = readBatch(batchSize);
    }
    return batch;
  }

  /**
   * Where the stream stands, for every reply: a token to resume after everything it has returned or
   * skipped (the post-batch resume token, {@code source/change-streams/change-streams.md} of {@code
   * mongodb/specifications}).
   */
  synchronized Document postBatchResumeToken() {
    // After an invalidate, the token of the last event returned: the invalidate's own.
    return invalidated ? ResumeTokens.invalidate(position) : ResumeTokens.event(position);
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
      if (!isSeen(entry)) {
        continue;
      }
      Document event = toEvent(entry);
      events.add(event);
      bytes += encodedSize(event);
      if (invalidates(entry)) {
        events.add(invalidateEvent(entry));
        invalidated = true;
        break;
      }
    }
    oplog.examined(scanned);
    if (stages == null || events.isEmpty()) {
      return events;
    }
    // Stages such as $addFields may change the documents they get; the entries must stay intact.
    return stages.runStages(events.stream().map(Document::cloneDeeply));
  }

  private boolean isSeen(OplogEntry entry) {
    if (entry.operation() == Operation.NOOP || !entry.database().equals(database)) {
      return false; // a no-op belongs to no namespace: the filters above never match it
    }
    if (collection == null) {
      return true;
    }
    return switch (entry.operation()) {
      case RENAME ->
          collection.equals(entry.collection())
              || (database + "." + collection).equals(entry.targetNamespace());
      case DROP_DATABASE -> false;
      default -> collection.equals(entry.collection());
    };
  }

  private boolean invalidates(OplogEntry entry) {
    return collection == null
        ? entry.operation() == Operation.DROP_DATABASE
        : entry.operation() == Operation.DROP || entry.operation() == Operation.RENAME;
  }

  private Document toEvent(OplogEntry entry) {
    Document event =
        new Document("_id", ResumeTokens.event(entry.timestamp()))
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
    event.append("ns", namespace(entry.database(), entry.collection()));
    switch (entry.operation()) {
      case INSERT, REPLACE, DELETE ->
          event.append("documentKey", new Document("_id", entry.documentId()));
      case UPDATE ->
          event
              .append("documentKey", new Document("_id", entry.documentId()))
              .append("updateDescription", entry.updateDescription());
      case RENAME -> {
        String target = entry.targetNamespace();
        int dot = target.indexOf('.');
        event.append("to", namespace(target.substring(0, dot), target.substring(dot + 1)));
      }
      default -> {}
    }
    return event;
  }

  private static Document namespace(String database, String collection) {
    Document ns = new Document("db", database);
    return collection == null ? ns : ns.append("coll", collection);
  }

  private static Document invalidateEvent(OplogEntry invalidating) {
    return new Document("_id", ResumeTokens.invalidate(invalidating.timestamp()))
        .append("operationType", "invalidate")
        .append("clusterTime", new BsonTimestamp(invalidating.timestamp()))
        .append("wallTime", invalidating.wallTime());
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
