package io.tidemark.sink.jdbc.write;

import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.logging.LogContext;
import io.tidemark.sink.jdbc.dialect.SqlDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes one process the only writer of a pipeline. Three guards:
 *
 * <ul>
 *   <li>a session-level advisory lock held on a dedicated connection: a second process is refused
 *       at start, before it migrates or creates anything, and the lock frees itself when the holder
 *       dies (its connection closes);
 *   <li>a watchdog that checks that connection every {@link WriterLockPolicy#checkIntervalMillis}:
 *       once the lock is lost (a network cut, {@code idle_session_timeout}, a NAT dropping the
 *       connection, {@code pg_terminate_backend}) every write fails until the lock is taken again
 *       with a new epoch;
 *   <li>an epoch fence: taking the lock increments the lease's epoch, and every sink transaction
 *       checks it ({@link #checkStillOwner}), so a process that was paused (GC, partition) while
 *       another took over can never commit afterwards, whatever the watchdog has seen so far.
 * </ul>
 *
 * {@link #take}, {@link #claimLease} and {@link #close} are called by one thread; {@link
 * #checkStillOwner} from any writer thread; the watchdog runs on its own thread.
 */
final class WriterLock implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WriterLock.class);

  /** Opens a connection of its own for the lock, outside the pool. */
  @FunctionalInterface
  interface LockConnections {
    Connection open() throws SQLException;
  }

  private final SqlDialect dialect;
  private final String metadataSchema;
  private final String pipeline;
  private final String key;
  private final LockConnections connections;
  private final WriterLockPolicy policy;
  private final WriterLease lease;
  private final AtomicLong losses = new AtomicLong();
  private final ScheduledExecutorService watchdog;

  /** The connection that holds the lock; null while it is lost. Written by the watchdog only. */
  private volatile Connection connection;

  private volatile long epoch;

  /** Why and when the lock was lost; null while it is held. */
  private volatile String lost;

  /** The holder last reported while the lock could not be taken back, to log each one once. */
  private String lastReportedHolder;

  private WriterLock(
      SqlDialect dialect,
      String metadataSchema,
      String pipeline,
      LockConnections connections,
      WriterLockPolicy policy,
      Connection connection) {
    this.dialect = dialect;
    this.metadataSchema = metadataSchema;
    this.pipeline = pipeline;
    this.key = "tidemark:" + metadataSchema + ":" + pipeline;
    this.connections = connections;
    this.policy = policy;
    this.lease = new WriterLease(dialect, metadataSchema, pipeline);
    this.connection = connection;
    this.watchdog =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Runnable inContext =
                  () -> {
                    try (LogContext.Scope scope = LogContext.open(pipeline, null)) {
                      r.run();
                    }
                  };
              Thread t = new Thread(inContext, "tidemark-writer-lock-" + pipeline);
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Takes the pipeline's advisory lock on a connection of its own. Touches no table, so it can run
   * before the metadata schema exists; {@link #claimLease} must follow once it does.
   *
   * @throws TidemarkException {@link ErrorCode#LOCK_HELD} naming the holder when another process
   *     has it
   */
  static WriterLock take(
      SqlDialect dialect,
      String metadataSchema,
      String pipeline,
      LockConnections connections,
      WriterLockPolicy policy)
      throws SQLException {
    WriterLock lock = new WriterLock(dialect, metadataSchema, pipeline, connections, policy, null);
    Connection c = null;
    try {
      c = lock.open();
      if (!lock.tryLock(c)) {
        throw held(lock.lease, pipeline, c);
      }
    } catch (SQLException | RuntimeException e) {
      closeQuietly(c);
      lock.watchdog.shutdownNow();
      throw e;
    }
    lock.connection = c;
    return lock;
  }

  /**
   * Records this process as the lease holder with a new epoch, and starts watching the lock. Needs
   * the metadata schema.
   */
  void claimLease() throws SQLException {
    epoch = lease.claim(connection);
    long every = policy.checkIntervalMillis();
    watchdog.scheduleWithFixedDelay(this::watch, every, every, TimeUnit.MILLISECONDS);
  }

  long epoch() {
    return epoch;
  }

  /** How often the lock was lost since the start. */
  long losses() {
    return losses.get();
  }

  /** True while this process holds the lock. */
  boolean held() {
    return lost == null;
  }

  /**
   * Inside a sink transaction: fails unless this process still owns the lease and holds the lock.
   * The row lock taken here holds off a new owner until the transaction ends.
   *
   * @throws TidemarkException {@link ErrorCode#LOCK_HELD} when another process took over; {@link
   *     ErrorCode#SINK_UNAVAILABLE} (retriable) while the lock is lost and not yet taken back
   */
  void checkStillOwner(Connection c) throws SQLException {
    // Read in the order the watchdog writes (epoch, then lost = null on taking the lock back), so
    // that an epoch read after "not lost" is this process's newest. A mismatch while this process
    // itself lost or retook the lock meanwhile is its own doing: retriable, not a takeover (the
    // short campaign's seed 2 stopped a collection with LOCK_HELD "... that is this process").
    String lostBefore = lost;
    long mine = epoch;
    long current = lease.epochForShare(c);
    if (current != mine && lostBefore == null && lost == null && epoch == mine) {
      throw new TidemarkException(
          ErrorCode.LOCK_HELD,
          "Pipeline '"
              + pipeline
              + "': another Tidemark process took over the sink (lease epoch "
              + current
              + ", this process holds "
              + mine
              + "); this process stops writing so that only one writer commits. The holder"
              + " now is "
              + lease.holder(c)
              + ".");
    }
    String why = lost != null ? lost : lostBefore;
    if (why == null && current != mine) {
      why = "at " + Instant.now() + " (it was taken back while this transaction began)";
    }
    if (why != null) {
      throw new TidemarkException(
          ErrorCode.SINK_UNAVAILABLE,
          "Pipeline '"
              + pipeline
              + "': this process lost its writer lock "
              + why
              + ", so it writes nothing until it holds the lock again; it tries every "
              + policy.checkIntervalMillis()
              + " ms and the collection retries from its committed position. If this repeats,"
              + " look for what ends idle connections between Tidemark and the database"
              + " (idle_session_timeout, a firewall or NAT timeout).");
    }
  }

  /** One watchdog round: is the lock still held; if not, take it back when free. */
  private void watch() {
    try {
      if (lost == null) {
        checkHeld();
      }
      if (lost != null) {
        retake();
      }
    } catch (RuntimeException e) {
      // A scheduled task that throws is never run again; the lock must stay watched.
      LOG.error("the writer lock's watchdog failed; it tries again", e);
    }
  }

  private void checkHeld() {
    Connection c = connection;
    String reason;
    boolean connectionFailed = false;
    try (PreparedStatement ps =
        c.prepareStatement(dialect.metadataSql().selectAdvisoryLockHeld())) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next() && rs.getBoolean(1)) {
          return;
        }
      }
      reason = "(its session no longer holds it)";
    } catch (SQLException e) {
      connectionFailed = true;
      reason =
          "(its connection failed: "
              + SinkErrors.databaseMessage(e)
              + (e.getSQLState() == null ? "" : ", SQLSTATE " + e.getSQLState())
              + ")";
    }
    lost = "at " + Instant.now() + " " + reason;
    connection = null;
    closeQuietly(c);
    losses.incrementAndGet();
    lastReportedHolder = null;
    // A failed connection is a network fault or a database restart, which the watchdog repairs
    // on its own (WARN). A session that is alive but no longer holds the lock means someone
    // released it by hand (pg_advisory_unlock_all), which an operator should know of (ERROR).
    String message =
        "lost the writer lock {}: this process writes nothing until it holds the lock again"
            + " (lease epoch {}); it tries every {} ms";
    if (connectionFailed) {
      LOG.warn(message, reason, epoch, policy.checkIntervalMillis());
    } else {
      LOG.error(message, reason, epoch, policy.checkIntervalMillis());
    }
  }

  private void retake() {
    Connection c = null;
    try {
      c = open();
      if (!tryLock(c)) {
        String holder = lease.holder(c);
        if (!holder.equals(lastReportedHolder)) {
          // Another process took over while this one had lost the lock: two daemons are
          // configured for one pipeline, which needs an operator (campaign finding F3).
          LOG.error(
              "cannot take the writer lock back: it is held by {}; this process writes"
                  + " nothing until it is free. Stop one of the two processes.",
              holder);
          lastReportedHolder = holder;
        }
        closeQuietly(c);
        return;
      }
      long previous = epoch;
      long claimed = lease.claim(c);
      policy.afterRetakeClaimed().run(); // a phase hook for tests: the new epoch is committed
      epoch = claimed;
      connection = c;
      lost = null;
      LOG.warn(
          "writer lock taken again (lease epoch {}, was {}); writing resumes", epoch, previous);
    } catch (SQLException e) {
      closeQuietly(c);
      String holder = "unreachable: " + SinkErrors.databaseMessage(e);
      if (!holder.equals(lastReportedHolder)) {
        LOG.warn("cannot take the writer lock back yet: {}", holder);
        lastReportedHolder = holder;
      }
    }
  }

  /**
   * A connection for the lock whose every call gives up after the check timeout, so that a
   * connection the network silently dropped counts as lost instead of hanging the watchdog.
   */
  private Connection open() throws SQLException {
    Connection c = connections.open();
    try {
      c.setNetworkTimeout(
          Runnable::run, (int) TimeUnit.SECONDS.toMillis(policy.checkTimeoutSeconds()));
    } catch (SQLException | RuntimeException e) {
      closeQuietly(c);
      throw e;
    }
    return c;
  }

  private boolean tryLock(Connection c) throws SQLException {
    c.setAutoCommit(true);
    try (PreparedStatement ps = c.prepareStatement(dialect.metadataSql().tryAdvisoryLock())) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  private static TidemarkException held(WriterLease lease, String pipeline, Connection c) {
    return new TidemarkException(
        ErrorCode.LOCK_HELD,
        "Pipeline '"
            + pipeline
            + "' is already being written by "
            + lease.holder(c)
            + ". Only one Tidemark may write a pipeline: stop that process first (its lock frees"
            + " itself when it exits), or give this one another 'pipeline' name. This process"
            + " changed nothing in the database.");
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        // The server drops the lock with the session either way.
      }
    }
  }

  /** Stops watching and releases the lock by closing its connection. */
  @Override
  public void close() {
    watchdog.shutdownNow();
    try {
      watchdog.awaitTermination(policy.checkTimeoutSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeQuietly(connection);
    connection = null;
  }

  @Override
  public String toString() {
    return "writer lock of pipeline '" + pipeline + "' in " + metadataSchema;
  }
}
