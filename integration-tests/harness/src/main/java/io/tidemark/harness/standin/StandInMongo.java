package io.tidemark.harness.standin;

import de.bwaldvogel.mongo.MongoServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.bson.BsonTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process MongoDB stand-in for the demo and for tests on machines without MongoDB: {@code
 * mongo-java-server} with its memory backend, the oplog on, and the gaps that matter to change data
 * capture closed (docs/mongodb-stand-in.md lists what it does and lacks). It may only behave as
 * MongoDB is documented or coded to behave: every change to the stock server cites where, and what
 * it cannot serve it refuses rather than answers differently.
 *
 * <ul>
 *   <li>it claims a MongoDB version ({@link StandInVersion}, 7.0.0 unless told otherwise) and
 *       refuses what that version lacks;
 *   <li>commands, their fields and query operators are checked as MongoDB's parsers check them
 *       ({@link CommandFields}, {@link QueryFilters}), change stream options and stages too ({@link
 *       ChangeStreamRequest});
 *   <li>every reply carries {@code operationTime} and {@code $clusterTime}, the timestamp of the
 *       newest oplog entry, and {@code startAtOperationTime(T)} yields exactly the events at or
 *       after T;
 *   <li>sessions: the driver starts them, and causally consistent reads ({@code afterClusterTime})
 *       are served or refused as MongoDB does ({@link LogicalSessions});
 *   <li>{@code $type} codes are checked as MongoDB checks them ({@link TypeCodes});
 *   <li>change streams on a collection or a whole database ({@link ChangeStreamCursor}): events
 *       have {@code ns}, {@code documentKey: {_id}} and, for updates, {@code updateDescription};
 *       replacements are {@code replace} events; drops, renames and database drops are reported,
 *       and end the streams MongoDB ends, with {@code invalidate};
 *   <li>batches carry {@code postBatchResumeToken}, also the first (empty) one;
 *   <li>the oplog is indexed by timestamp, so a getMore reads only what is new to it;
 *   <li>each write is logged under its collection's lock, so the oplog order is the order in which
 *       writes became visible;
 *   <li>when nothing was written for {@code periodicNoopIntervalSecs} (10 s unless told), it writes
 *       a no-op to the oplog as a primary does ({@link PeriodicNoopWriter}), so idle streams still
 *       move forward;
 *   <li>{@link #truncateOplogBefore} simulates a capped oplog losing history (code 286).
 * </ul>
 *
 * Still missing: transactions, cluster-wide change streams, pre- and post-images, expanded events,
 * the 16 MB limit on events, and some BSON types.
 *
 * <p>Lifecycle: {@link #start()} binds 127.0.0.1 on a free port; {@link #close()} stops the server
 * and drops all data. Thread-safe.
 */
public final class StandInMongo implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StandInMongo.class);

  // The server answers each connection on one of its network threads, and an empty change stream
  // getMore keeps its thread for up to StandInBackend.MAX_AWAIT. With a thread per connection for
  // the first 32 connections, a waiting stream rarely delays another connection's commands.
  private static final int NETWORK_THREADS = 32;

  private final StandInBackend backend;
  private final MongoServer server;
  private final String connectionString;
  private final PeriodicNoopWriter noopWriter;

  private StandInMongo(
      StandInBackend backend,
      MongoServer server,
      String connectionString,
      PeriodicNoopWriter noopWriter) {
    this.backend = backend;
    this.server = server;
    this.connectionString = connectionString;
    this.noopWriter = noopWriter;
  }

  /** Starts a server on 127.0.0.1 and a free port, with an empty oplog. */
  public static StandInMongo start() {
    return start(CommandObserver.NONE);
  }

  /**
   * Starts a server on 127.0.0.1 and a free port, with an empty oplog, that shows every command it
   * receives to {@code observer}.
   */
  public static StandInMongo start(CommandObserver observer) {
    return start(StandInVersion.DEFAULT, observer);
  }

  /**
   * Starts a server that claims to be MongoDB {@code version} and refuses what that version lacks,
   * showing every command it receives to {@code observer}.
   */
  public static StandInMongo start(StandInVersion version, CommandObserver observer) {
    return start(version, observer, PeriodicNoopWriter.DEFAULT_INTERVAL);
  }

  /**
   * Starts a server as {@link #start(StandInVersion, CommandObserver)} does, whose primary writes a
   * no-op after {@code periodicNoopInterval} without writes (MongoDB's {@code
   * periodicNoopIntervalSecs}: whole seconds, more than 0 and at most 10; others are refused).
   */
  public static StandInMongo start(
      StandInVersion version, CommandObserver observer, Duration periodicNoopInterval) {
    PeriodicNoopWriter.checkInterval(periodicNoopInterval);
    StandInBackend backend = new StandInBackend(version, observer);
    MongoServer server = new MongoServer(backend);
    server.enableOplog();
    server.bind(new InetSocketAddress("127.0.0.1", 0), 1, NETWORK_THREADS);
    InetSocketAddress address = server.getLocalAddress();
    String connectionString = "mongodb://127.0.0.1:" + address.getPort();
    LOG.info("Stand-in MongoDB started at {}", connectionString);
    PeriodicNoopWriter noopWriter =
        PeriodicNoopWriter.start(backend.indexedOplog(), periodicNoopInterval);
    return new StandInMongo(backend, server, connectionString, noopWriter);
  }

  /** {@code mongodb://127.0.0.1:<port>}, for {@code MongoClients.create}. */
  public String connectionString() {
    return connectionString;
  }

  /**
   * Drops every oplog entry older than {@code timestamp}, as a capped oplog does when it wraps. A
   * change stream that then resumes from an earlier point (a resume token of a dropped event, or an
   * earlier {@code startAtOperationTime}), or an open one that had not yet read a dropped entry,
   * fails with code 286 (ChangeStreamHistoryLost).
   */
  public void truncateOplogBefore(BsonTimestamp timestamp) {
    backend.indexedOplog().truncateBefore(timestamp.getValue());
    LOG.info(
        "Stand-in MongoDB at {}: dropped oplog entries before {}; {} entries left",
        connectionString,
        timestamp,
        backend.indexedOplog().size());
  }

  /**
   * Oplog entries read by every change stream so far: a measure of the server's work, which MongoDB
   * reports per getMore as {@code docsExamined}. Not a behaviour of the stand-in.
   */
  public long changeStreamEntriesExamined() {
    return backend.indexedOplog().entriesExamined();
  }

  /** Change-stream cursors open on the server now (MongoDB: {@code $currentOp} idle cursors). */
  public long openChangeStreams() {
    return backend.indexedOplog().openChangeStreams();
  }

  @Override
  public void close() {
    noopWriter.close();
    // Wakes waiting getMores first, so the network threads can stop.
    backend.indexedOplog().close();
    server.shutdownNow();
    LOG.info("Stand-in MongoDB at {} stopped", connectionString);
  }

  @Override
  public String toString() {
    return "StandInMongo[" + connectionString + "]";
  }
}
