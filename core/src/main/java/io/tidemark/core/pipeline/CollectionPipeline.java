package io.tidemark.core.pipeline;

import io.micrometer.core.instrument.MeterRegistry;
import io.tidemark.core.config.TidemarkConfig;
import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.logging.LogContext;
import io.tidemark.core.mapping.OnHistoryLost;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.position.Position;
import io.tidemark.core.spi.ChangeSink;
import io.tidemark.core.spi.ChangeSink.CollectionProgress;
import io.tidemark.core.spi.ChangeSink.SnapshotState;
import io.tidemark.core.spi.ChangeSink.Target;
import io.tidemark.core.spi.ChangeSource;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one collection's table in step with its source collection: copy if no finished copy is
 * committed, then stream from the committed position. Retriable failures (network, failover) are
 * retried with backoff from the last committed state; other failures stop this collection only,
 * until a rebuild replaces its table.
 *
 * <p>Operators may pause and resume it and ask for a rebuild ({@link #requestResnapshot()}), which
 * runs beside the live stream (see {@link Rebuild}) and is swapped in by this thread.
 *
 * <p>{@link #run()} blocks and is called on a thread of its own; every other method may be called
 * from any thread.
 */
public final class CollectionPipeline implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(CollectionPipeline.class);
  private static final long IDLE_WAIT_MILLIS = 1000;

  private final PipelineContext live;
  private final Backoff backoff;
  private final Object monitor = new Object();

  /** Counts {@link #wake()} calls (guarded by the monitor), so a wake-up is never missed. */
  private long wakeups;

  private long wakeupsSeen;
  private volatile boolean stopRequested;
  private volatile boolean pauseRequested;

  /** The live stream stopped on a failure an operator (or a rebuild) must clear. */
  private volatile boolean failed;

  private volatile Rebuild rebuild;

  public CollectionPipeline(
      TableMapping mapping,
      ChangeSource source,
      ChangeSink sink,
      TidemarkConfig config,
      MeterRegistry registry) {
    this(mapping, source, sink, config, registry, PhaseListener.NONE);
  }

  public CollectionPipeline(
      TableMapping mapping,
      ChangeSource source,
      ChangeSink sink,
      TidemarkConfig config,
      MeterRegistry registry,
      PhaseListener listener) {
    this(mapping, source, sink, config, registry, listener, PipelineTimings.DEFAULT);
  }

  /** For tests: {@code timings} shortens the engine's fixed waits. */
  CollectionPipeline(
      TableMapping mapping,
      ChangeSource source,
      ChangeSink sink,
      TidemarkConfig config,
      MeterRegistry registry,
      PhaseListener listener,
      PipelineTimings timings) {
    this.live =
        new PipelineContext(
            mapping,
            source.collection(mapping.collection()),
            sink,
            Target.LIVE,
            config,
            new PipelineMetrics(registry, mapping.collection()),
            new StatusBoard(mapping.collection(), mapping.table()),
            new RowChanges(mapping, sink.valueEncoding()),
            listener,
            this::liveShouldYield,
            timings);
    this.backoff = new Backoff(config.retry());
    live.metrics().lag(this::status);
  }

  public String collection() {
    return live.collection();
  }

  public CollectionStatus status() {
    CollectionStatus status = live.status().snapshot();
    Rebuild r = rebuild;
    return r == null ? status : status.withRebuild(r.status());
  }

  /** Asks the pipeline to commit what is complete and return from {@link #run()}. */
  public void stop() {
    stopRequested = true;
    wake();
  }

  /** Commits what is complete and stops reading until {@link #resume()}. */
  public void pause() {
    pauseRequested = true;
    try (LogContext.Scope scope = live.logContext()) { // called on an admin thread
      LOG.info("pause requested");
    }
    wake();
  }

  public void resume() {
    pauseRequested = false;
    try (LogContext.Scope scope = live.logContext()) {
      LOG.info("resume requested");
    }
    wake();
  }

  /**
   * Starts a rebuild of the table from a fresh copy, beside the live stream.
   *
   * @return false when a rebuild is already running
   */
  public boolean requestResnapshot() {
    synchronized (monitor) {
      if (rebuild != null && !rebuild.ended()) {
        return false;
      }
      startRebuild(true, "requested by an operator");
      return true;
    }
  }

  private boolean liveShouldYield() {
    Rebuild r = rebuild;
    return stopRequested || pauseRequested || (r != null && r.holdsLive());
  }

  private void startRebuild(boolean fresh, String why) {
    try (LogContext.Scope scope = live.logContext()) { // also called on an admin thread
      startRebuildInContext(fresh, why);
    }
  }

  private void startRebuildInContext(boolean fresh, String why) {
    synchronized (monitor) {
      rebuild = new Rebuild(live, live.status()::position, this::wake, fresh);
      rebuild.start();
    }
    LOG.info(
        "rebuild {} ({}): copying into {}, the live table stays readable until the swap",
        fresh ? "started" : "resumed",
        why,
        live.mapping().shadowTable());
  }

  private void wake() {
    synchronized (monitor) {
      wakeups++;
      monitor.notifyAll();
    }
  }

  /** Waits for a wake-up (or a second, to re-check), unless one came since the last wait. */
  private void idle() throws InterruptedException {
    awaitWake(Duration.ofMillis(IDLE_WAIT_MILLIS));
  }

  /** Waits up to {@code upTo} for a wake-up, unless one came since the last wait. */
  private void awaitWake(Duration upTo) throws InterruptedException {
    synchronized (monitor) {
      if (wakeups == wakeupsSeen) {
        monitor.wait(Math.max(1, upTo.toMillis()));
      }
      wakeupsSeen = wakeups;
    }
  }

  @Override
  public void run() {
    try (LogContext.Scope scope = live.logContext()) {
      runInContext();
    }
  }

  private void runInContext() {
    try {
      resumeInterruptedRebuild();
      loop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      live.metrics().error(ErrorCode.INTERNAL);
      live.status().fail("unexpected failure: " + e);
      LOG.error("stopped by an unexpected failure", e);
    } finally {
      stopRebuild();
      if (live.status().state() != CollectionState.FAILED) {
        live.status().state(CollectionState.STOPPED);
      }
    }
  }

  private void loop() throws InterruptedException {
    int attempt = 0;
    int swapAttempt = 0;
    while (!stopRequested) {
      Rebuild r = rebuild;
      if (r != null && r.readyToSwap()) {
        swapAttempt = swapIn(r, swapAttempt + 1) ? 0 : swapAttempt + 1;
        attempt = 0;
        continue;
      }
      swapAttempt = 0;
      // A rebuild that ended without becoming ready (failed, interrupted) no longer holds the
      // live stream, whenever it ended; it stays in the status until the next one starts.
      boolean heldForSwap = r != null && r.holdsLive();
      if (heldForSwap && !r.hasLiveYielded()) {
        // The live stream has stopped for the swap and stays stopped until it: the shadow must
        // reach this position. Only a swap request makes the live stream yield; a pause does
        // not, since a resume would move the live table on past the position the shadow aims at.
        r.liveYielded(live.status().position());
      }
      if (failed || pauseRequested || heldForSwap) {
        if (pauseRequested && !failed) {
          live.status().state(CollectionState.PAUSED);
        }
        idle();
        continue;
      }
      long commitsBefore = live.status().commits();
      try {
        LiveAttempt.run(live, this::awaitWake);
      } catch (TidemarkException e) {
        live.metrics().error(e.code());
        if (e.code() == ErrorCode.HISTORY_LOST
            && live.mapping().onHistoryLost() == OnHistoryLost.RESNAPSHOT) {
          failed = true;
          live.status().fail(e.getMessage(), CollectionState.REBUILDING);
          LOG.warn("{} Rebuilding automatically (onHistoryLost: resnapshot).", e.getMessage());
          synchronized (monitor) {
            if (rebuild == null || rebuild.ended()) {
              startRebuild(true, "history lost");
            }
          }
          continue;
        }
        if (!e.retriable()) {
          failed = true;
          live.status().fail(e.getMessage());
          LOG.error("stopped: {}", e.getMessage());
          continue;
        }
        attempt = live.status().commits() > commitsBefore ? 1 : attempt + 1;
        Duration delay = backoff.delayFor(attempt);
        live.status().retrying(e.getMessage());
        live.metrics().reconnects.increment();
        LOG.warn(
            "{}; reconnecting from the last committed position in {} ms (attempt {})",
            e.getMessage(),
            delay.toMillis(),
            attempt);
        sleep(delay);
      }
    }
  }

  /**
   * The shadow has caught up and stopped; the live stream has yielded: swap the tables.
   *
   * @param attempt 1 for the first try of this swap
   * @return false when the swap is to be tried again (the rebuild stays ready)
   */
  private boolean swapIn(Rebuild r, int attempt) throws InterruptedException {
    r.awaitStopped();
    try {
      // Inside the try: reading the two positions fails like the swap when the database is
      // unreachable, and is retried like it (long campaign seed 6013: FAILED as "unexpected").
      if (!shadowCaughtUp()) {
        return true;
      }
      r.swapIn();
    } catch (TidemarkException e) {
      live.metrics().error(e.code());
      if (e.retriable()) {
        // E.g. a lock conflict with a reader: the rebuilt table is as good as before, and
        // throwing it away would mean copying again. The live stream waits for the swap.
        Duration delay = backoff.delayFor(attempt);
        live.status().retrying("the rebuilt table could not be swapped in yet: " + e.getMessage());
        LOG.warn(
            "the rebuilt table {} could not be swapped in: {}; the live stream waits, and the"
                + " swap is tried again in {} ms (attempt {})",
            live.mapping().shadowTable(),
            e.getMessage(),
            delay.toMillis(),
            attempt);
        sleep(delay);
        return false;
      }
      // E.g. a view depends on the live table. The live table is untouched: stream on with it.
      synchronized (monitor) {
        rebuild = null;
      }
      live.status().retrying("the rebuilt table could not be swapped in: " + e.getMessage());
      LOG.error(
          "the rebuilt table {} could not be swapped in, so the live table stays as it was and"
              + " keeps streaming: {} Fix the cause and run 'tidemark resnapshot {}' again.",
          live.mapping().shadowTable(),
          e.getMessage(),
          collection());
      return true;
    }
    synchronized (monitor) {
      rebuild = null;
    }
    failed = false;
    live.status().recovered();
    LOG.info(
        "rebuild complete: {} now holds the rebuilt table; streaming continues from the"
            + " rebuild's position",
        live.mapping().table());
    return true;
  }

  /**
   * Checks, against what the sink has committed, that the shadow is at or past the live table's
   * position: a shadow behind it would move the table back in time. One that is behind streams on
   * (a new rebuild resumes it) and asks for the swap again once it has caught up.
   */
  private boolean shadowCaughtUp() {
    Position liveAt = live.sink().loadProgress(collection(), Target.LIVE).position().orElse(null);
    Position shadowAt =
        live.sink().loadProgress(collection(), Target.SHADOW).position().orElse(null);
    if (shadowAt != null && !(liveAt != null && liveAt.isAfter(shadowAt))) {
      return true;
    }
    LOG.warn(
        "the rebuilt table {} is at {}, behind the live table's {}; not swapping it in yet,"
            + " the rebuild streams on until it has caught up",
        live.mapping().shadowTable(),
        shadowAt == null ? "no position" : shadowAt.clusterTime(),
        liveAt == null ? "none" : liveAt.clusterTime());
    synchronized (monitor) {
      startRebuild(false, "behind the live table at the swap");
    }
    return false;
  }

  /** A rebuild interrupted by a stop or crash has its progress in the sink: carry on with it. */
  private void resumeInterruptedRebuild() {
    try {
      // The rebuild compares its progress with the live table's position: make that known
      // before the live stream has started, or a rebuild behind it would ask for the swap.
      live.sink()
          .loadProgress(collection(), Target.LIVE)
          .position()
          .ifPresent(live.status()::positionCommitted);
      CollectionProgress shadow = live.sink().loadProgress(collection(), Target.SHADOW);
      if (shadow.snapshotState() != SnapshotState.NONE) {
        startRebuild(false, "interrupted by a restart");
      }
    } catch (TidemarkException e) {
      LOG.warn("could not check for an interrupted rebuild: {}", e.getMessage());
    }
  }

  private void stopRebuild() {
    Rebuild r = rebuild;
    if (r != null) {
      try {
        r.stop();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void sleep(Duration delay) throws InterruptedException {
    long deadline = System.nanoTime() + delay.toNanos();
    synchronized (monitor) {
      long left;
      while (!stopRequested && (left = deadline - System.nanoTime()) > 0) {
        monitor.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
    }
  }
}
