package io.tidemark.app.demo.standin;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.Cursor;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;
import de.bwaldvogel.mongo.oplog.Oplog;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.List;

/**
 * The memory backend with the stand-in's gaps closed: an {@link IndexedOplog} fed under the
 * collections' locks, change streams that render MongoDB's events, {@code operationTime} and {@code
 * $clusterTime} in every reply, sessions and causally consistent reads ({@link LogicalSessions}),
 * {@code $type} checked as MongoDB checks it ({@link TypeCodes}) and {@code postBatchResumeToken}
 * in change stream batches.
 */
final class StandInBackend extends MemoryBackend {

  // An empty getMore on a change stream waits this long for a write. Short, because the server
  // answers on its network threads and a waiting getMore holds one; see StandInMongo.
  static final Duration MAX_AWAIT = Duration.ofMillis(10);

  /** Tries of a {@code $sample} before its shuffle's failure is passed on; see below. */
  private static final int SAMPLE_ATTEMPTS = 20;

  private final IndexedOplog indexedOplog;
  private final ClientApplications clients;

  StandInBackend(CommandObserver observer) {
    indexedOplog = new IndexedOplog(getClock(), getCursorRegistry(), this::findCurrentDocument);
    clients = new ClientApplications(observer);
  }

  IndexedOplog indexedOplog() {
    return indexedOplog;
  }

  @Override
  public MemoryDatabase openOrCreateDatabase(String databaseName) {
    return new StandInDatabase(databaseName, getCursorRegistry(), indexedOplog);
  }

  @Override
  protected Oplog createOplog() {
    return indexedOplog;
  }

  @Override
  public Document handleCommand(
      Channel channel, String databaseName, String command, Document query) {
    clients.received(channel, databaseName, command, query);
    TypeCodes.checkFilters(command, query);
    LogicalSessions.checkReadConcern(query, indexedOplog.currentTime());
    Document reply =
        isSample(command, query)
            ? sampleWithRetries(channel, databaseName, command, query)
            : super.handleCommand(channel, databaseName, command, query);
    if (reply == null) {
      return null;
    }
    if (command.equalsIgnoreCase("aggregate")
        && reply.get("cursor") instanceof Document cursorReply
        && cursorReply.get("id") instanceof Number id
        && id.longValue() != 0
        && getCursorRegistry().getCursor(id.longValue()) instanceof ChangeStreamCursor stream) {
      cursorReply.put("postBatchResumeToken", stream.postBatchResumeToken());
    }
    LogicalSessions.advertise(command, reply);
    // Read after the command ran, so a write's reply covers its own oplog entry.
    LogicalSessions.appendTimes(reply, indexedOplog.currentTime());
    return reply;
  }

  /** An {@code aggregate} whose pipeline has a {@code $sample} stage. */
  private static boolean isSample(String command, Document query) {
    return command.equalsIgnoreCase("aggregate")
        && query.get("pipeline") instanceof List<?> stages
        && stages.stream().anyMatch(st -> st instanceof Document d && d.containsKey("$sample"));
  }

  /**
   * Runs a {@code $sample} aggregation, again when it fails on its own shuffle: the stand-in
   * shuffles by sorting with a comparator that returns random numbers, which Java's sort sometimes
   * rejects ("Comparison method violates its general contract"). Each try is an independent
   * shuffle, so a retry is still a random sample.
   */
  private Document sampleWithRetries(
      Channel channel, String databaseName, String command, Document query) {
    for (int attempt = 1; ; attempt++) {
      try {
        return super.handleCommand(channel, databaseName, command, query);
      } catch (IllegalArgumentException e) {
        if (attempt >= SAMPLE_ATTEMPTS
            || e.getMessage() == null
            || !e.getMessage().contains("Comparison method violates its general contract")) {
          throw e;
        }
      }
    }
  }

  @Override
  protected Document handleGetMore(String databaseName, String command, Document query) {
    long cursorId = ((Number) query.get(command)).longValue();
    Cursor cursor = getCursorRegistry().getCursor(cursorId);
    if (!(cursor instanceof ChangeStreamCursor stream)) {
      return super.handleGetMore(databaseName, command, query);
    }
    int batchSize = ((Number) query.getOrDefault("batchSize", 0)).intValue();
    Duration await = MAX_AWAIT;
    if (query.get("maxTimeMS") instanceof Number maxTime
        && Duration.ofMillis(maxTime.longValue()).compareTo(MAX_AWAIT) < 0) {
      await = Duration.ofMillis(maxTime.longValue());
    }
    List<Document> batch;
    try {
      batch = stream.nextBatch(batchSize, await);
    } catch (MongoServerError e) {
      // Like MongoDB, a failed getMore kills its cursor.
      getCursorRegistry().remove(cursorId);
      throw e;
    }
    Document cursorReply =
        new Document("id", stream.isEmpty() ? 0L : cursorId)
            .append("ns", databaseName + "." + query.get("collection"))
            .append("nextBatch", batch);
    if (stream.isEmpty()) {
      getCursorRegistry().remove(cursorId);
    } else {
      cursorReply.append("postBatchResumeToken", stream.postBatchResumeToken());
    }
    return new Document("cursor", cursorReply).append("ok", 1.0);
  }

  @Override
  public void close() {
    indexedOplog.close();
    super.close();
  }

  private Document findCurrentDocument(String database, String collection, Object id) {
    MongoCollection<?> found = resolveDatabase(database).resolveCollection(collection, false);
    return found instanceof StandInCollection standIn ? standIn.findCopy(id) : null;
  }
}
