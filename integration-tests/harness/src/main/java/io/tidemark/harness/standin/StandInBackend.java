package io.tidemark.harness.standin;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.Cursor;
import de.bwaldvogel.mongo.backend.aggregation.Aggregation;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;
import de.bwaldvogel.mongo.oplog.NoopOplog;
import de.bwaldvogel.mongo.oplog.Oplog;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.List;

/**
 * The memory backend with the stand-in's gaps closed: an {@link IndexedOplog} fed under the
 * collections' locks, change streams on collections and databases that render MongoDB's events
 * ({@link ChangeStreamRequest}, {@link ChangeStreamCursor}), {@code operationTime} and {@code
 * $clusterTime} in every reply, sessions and causally consistent reads ({@link LogicalSessions}),
 * commands, filters and {@code $type} checked as MongoDB checks them ({@link CommandFields}, {@link
 * QueryFilters}, {@link TypeCodes}), the version it claims ({@link StandInVersion}), and {@code
 * postBatchResumeToken} in every change stream batch.
 */
final class StandInBackend extends MemoryBackend {

  // An empty getMore on a change stream waits this long for a write. Short, because the server
  // answers on its network threads and a waiting getMore holds one; see StandInMongo. MongoDB
  // waits up to the getMore's maxTimeMS; answering an empty batch sooner is within that promise
  // (an awaitData getMore "returns ... when the time limit is reached", manual: reference/command/
  // getMore), it only costs the driver one more getMore.
  static final Duration MAX_AWAIT = Duration.ofMillis(10);

  /** Tries of a {@code $sample} before its shuffle's failure is passed on; see below. */
  private static final int SAMPLE_ATTEMPTS = 20;

  private final IndexedOplog indexedOplog;
  private final ClientApplications clients;
  private final StandInVersion version;

  StandInBackend(StandInVersion version, CommandObserver observer) {
    indexedOplog = new IndexedOplog(getClock(), getCursorRegistry(), this::findCurrentDocument);
    clients = new ClientApplications(observer);
    this.version = version;
    version(version);
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
    CommandFields.check(command, query);
    QueryFilters.check(command, query);
    LogicalSessions.checkReadConcern(query, indexedOplog.currentTime());
    Document reply;
    if (command.equalsIgnoreCase("aggregate") && ChangeStreamRequest.isChangeStream(query)) {
      reply = openChangeStream(databaseName, query);
    } else if (command.equalsIgnoreCase("renameCollection")) {
      reply = renameCollection(channel, databaseName, command, query);
    } else if (isSample(command, query)) {
      reply = sampleWithRetries(channel, databaseName, command, query);
    } else {
      reply = super.handleCommand(channel, databaseName, command, query);
    }
    if (reply == null) {
      return null;
    }
    LogicalSessions.advertise(command, reply);
    // Read after the command ran, so a write's reply covers its own oplog entry.
    LogicalSessions.appendTimes(reply, indexedOplog.currentTime());
    return reply;
  }

  /**
   * Opens a change stream on a collection or, with {@code aggregate: 1}, a database; its cursor's
   * namespace is then {@code db.$cmd.aggregate}, as MongoDB names a collectionless aggregate's
   * ({@code collectionlessAggregateCursorCol}, {@code src/mongo/idl/idl_parser.cpp}). Every reply
   * carries the post-batch resume token, the first (empty) one too.
   */
  private Document openChangeStream(String databaseName, Document query) {
    ChangeStreamRequest request =
        ChangeStreamRequest.parse(
            databaseName,
            query,
            version,
            indexedOplog.currentTime().getValue(),
            indexedOplog.oldestTime());
    // The stages a change stream may hold use neither a database nor a collection; resolving the
    // database would create it, where watching one that does not exist leaves it so.
    Aggregation stages =
        Aggregation.fromPipeline(
            request.stages(), this::resolveDatabase, null, null, NoopOplog.get());
    ChangeStreamCursor stream = indexedOplog.open(request, stages);
    List<Document> firstBatch = stream.takeDocuments(request.batchSize());
    long id = stream.isEmpty() ? 0L : stream.getId();
    if (id == 0) {
      getCursorRegistry().remove(stream.getId());
    }
    String collection = request.collection() == null ? "$cmd.aggregate" : request.collection();
    Document cursor =
        new Document("firstBatch", firstBatch)
            .append("postBatchResumeToken", stream.postBatchResumeToken())
            .append("id", id)
            .append("ns", databaseName + "." + collection);
    return new Document("cursor", cursor).append("ok", 1.0);
  }

  /**
   * Renames as the stock server does, then logs the rename for change streams ({@code rename} event
   * with {@code to}; manual: {@code reference/change-events/rename}). Two cases the stand-in cannot
   * log as MongoDB does are refused: across databases, and over an existing target ({@code
   * dropTarget}), which MongoDB logs as one rename, where the stock server drops the target first.
   */
  private Document renameCollection(
      Channel channel, String databaseName, String command, Document query) {
    String from = String.valueOf(query.get(command));
    String to = String.valueOf(query.get("to"));
    int fromDot = from.indexOf('.');
    int toDot = to.indexOf('.');
    if (fromDot < 0 || toDot < 0 || !from.substring(0, fromDot).equals(to.substring(0, toDot))) {
      throw new MongoServerError(
          238,
          "NotImplemented",
          "the stand-in renames within one database only: " + from + " to " + to);
    }
    String database = from.substring(0, fromDot);
    if (Boolean.TRUE.equals(query.get("dropTarget"))
        && resolveDatabase(database).resolveCollection(to.substring(toDot + 1), false) != null) {
      throw new MongoServerError(
          238, "NotImplemented", "the stand-in does not rename over an existing collection: " + to);
    }
    Document reply = super.handleCommand(channel, databaseName, command, query);
    if (!from.equals(to)) {
      indexedOplog.appendRename(database, from.substring(fromDot + 1), to);
    }
    return reply;
  }

  /**
   * Drops as the stock server does (a {@code drop} logged per collection), then logs the {@code
   * dropDatabase}: "A dropDatabase command generates a drop event for each collection in the
   * database before generating a dropDatabase event" (manual: {@code
   * reference/change-events/dropDatabase}). Nothing is logged for a database that did not exist.
   */
  @Override
  protected Document handleDropDatabase(String databaseName) {
    boolean existed = listDatabaseNames().contains(databaseName);
    Document reply = super.handleDropDatabase(databaseName);
    if (existed) {
      indexedOplog.appendDropDatabase(databaseName);
    }
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
   * shuffle, so a retry is still a random sample. (The stand-in's sample never repeats a document;
   * MongoDB's "may output the same document more than once", manual: {@code
   * reference/operator/aggregation/sample}. Tidemark's split keys drop repeats.)
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
            .append("nextBatch", batch)
            .append("postBatchResumeToken", stream.postBatchResumeToken());
    if (stream.isEmpty()) {
      getCursorRegistry().remove(cursorId);
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
