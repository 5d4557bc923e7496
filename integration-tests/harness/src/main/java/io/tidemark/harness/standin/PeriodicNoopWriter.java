package io.tidemark.harness.standin;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The no-op a primary writes to its oplog when nothing else was written for an interval, as
 * MongoDB's {@code NoopWriter} does ({@code src/mongo/db/repl/noop_writer.cpp} of mongodb/mongo):
 * every {@code periodicNoopIntervalSecs} it compares the newest oplog time with the one it saw last
 * time and writes {@code {op: "n", msg: "periodic noop"}} only when they are equal. No change
 * stream shows the entry, but every stream reads past it, so an idle stream's post-batch resume
 * token, and {@code operationTime}, still move forward.
 *
 * <p>The interval follows the server parameter ({@code src/mongo/db/repl/
 * replication_coordinator_impl.idl}): 10 s unless told, more than 0 and at most 10 s, whole
 * seconds.
 */
final class PeriodicNoopWriter implements AutoCloseable {

  /** {@code periodicNoopIntervalSecs}' default. */
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

  private final IndexedOplog oplog;
  private final ScheduledExecutorService timer;
  private long lastKnownTime; // only the timer's thread (or a test calling tick) touches it

  private PeriodicNoopWriter(IndexedOplog oplog, ScheduledExecutorService timer) {
    this.oplog = oplog;
    this.timer = timer;
    this.lastKnownTime = oplog.currentTime().getValue();
  }

  /** Starts writing no-ops every {@code interval} of quiet; refuses what the server refuses. */
  static PeriodicNoopWriter start(IndexedOplog oplog, Duration interval) {
    checkInterval(interval);
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "stand-in-noop-writer");
              thread.setDaemon(true);
              return thread;
            });
    PeriodicNoopWriter writer = new PeriodicNoopWriter(oplog, timer);
    long millis = interval.toMillis();
    timer.scheduleWithFixedDelay(writer::tick, millis, millis, TimeUnit.MILLISECONDS);
    return writer;
  }

  /** A writer that writes only when {@link #tick} is called, for tests of its rule. */
  static PeriodicNoopWriter manual(IndexedOplog oplog) {
    return new PeriodicNoopWriter(oplog, null);
  }

  /**
   * One interval has passed: writes the no-op when the oplog did not move since the last tick, then
   * remembers where it stands, as {@code NoopWriter::_writeNoop} does.
   *
   * @return whether a no-op was written
   */
  boolean tick() {
    boolean written = oplog.appendNoopIfNewestIs(lastKnownTime);
    lastKnownTime = oplog.currentTime().getValue();
    return written;
  }

  /**
   * MongoDB refuses a {@code periodicNoopIntervalSecs} outside (0, 10] at startup; the stand-in
   * refuses the same, and fractions of a second, which the integer parameter cannot hold.
   */
  static void checkInterval(Duration interval) {
    if (interval.isNegative()
        || interval.isZero()
        || interval.compareTo(DEFAULT_INTERVAL) > 0
        || interval.toMillis() % 1000 != 0) {
      throw new IllegalArgumentException(
          "periodicNoopIntervalSecs must be a whole number of seconds, more than 0 and at most 10"
              + " (src/mongo/db/repl/replication_coordinator_impl.idl); got "
              + interval);
    }
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
