package io.tidemark.core.pipeline;

import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.position.Position;
import io.tidemark.core.spi.ChangeSink.CollectionProgress;
import io.tidemark.core.spi.ChangeSink.SnapshotState;
import io.tidemark.core.spi.ChangeSink.Target;
import io.tidemark.core.spi.TableSink;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A zero-downtime rebuild of one collection's table, beside the live stream: copy into a shadow
 * table from a freshly captured source time, stream changes into the shadow from that time, and —
 * once the shadow has caught up with the live table's committed position — hand over to the
 * collection's thread, which swaps the tables in one transaction.
 *
 * <p>The hand-over in three steps, so that nothing is lost or applied out of order:
 *
 * <ol>
 *   <li>the shadow commits a position at or past the live one: it asks the live stream to yield;
 *   <li>the live stream commits what is complete and stops; its final position is reported here;
 *   <li>the shadow streams on until it has committed at or past that final position, stops, and is
 *       ready: the swap makes the shadow's table and position the live ones.
 * </ol>
 *
 * The shadow's progress is committed in the sink like the live table's, so a daemon restart resumes
 * the rebuild where it was; the live table is replaced only by the swap.
 */
final class Rebuild {
  private static final Logger LOG = LoggerFactory.getLogger(Rebuild.class);

  private final PipelineContext shadow;
  private final Supplier<Position> liveCommitted;
  private final Runnable wakeOwner;
  private final Backoff backoff;
  private final boolean fresh;
  private final CountDownLatch stopped = new CountDownLatch(1);

  private volatile boolean stopRequested;
  private volatile boolean swapRequested;
  private volatile boolean liveYielded;
  private volatile Position liveFinal;
  private volatile Position shadowCommitted;
  private volatile boolean readyToSwap;

  /** The shadow table as last opened by this rebuild's thread; set before it can be ready. */
  private volatile TableSink opened;

  /**
   * @param live the live context; the shadow context is derived from it
   * @param liveCommitted the live table's committed position, read at any time
   * @param wakeOwner wakes the collection's thread when this rebuild needs it
   * @param fresh true to start a new copy, false to resume the one committed in the sink
   */
  Rebuild(
      PipelineContext live, Supplier<Position> liveCommitted, Runnable wakeOwner, boolean fresh) {
    this.liveCommitted = liveCommitted;
    this.wakeOwner = wakeOwner;
    this.fresh = fresh;
    this.backoff = new Backoff(live.config().retry());
    StatusBoard board = new StatusBoard(live.collection(), live.mapping().shadowTable());
    this.shadow = live.forTarget(Target.SHADOW, board, new HandOver(), this::shouldStop);
  }

  void start() {
    shadow.startReader("rebuild", this::run);
  }

  CollectionStatus status() {
    return shadow.status().snapshot();
  }

  boolean swapRequested() {
    return swapRequested;
  }

  boolean readyToSwap() {
    return readyToSwap;
  }

  boolean hasLiveYielded() {
    return liveYielded;
  }

  /**
   * True once the rebuild's thread has returned without being ready to swap (it failed, or was
   * interrupted or stopped): it will never swap, so it must not hold the live stream.
   */
  boolean ended() {
    return stopped.getCount() == 0 && !readyToSwap;
  }

  /**
   * True while the live stream must stay stopped for this rebuild: it asked for the swap and has
   * not ended without becoming ready. However the rebuild ends, the live stream gets its table
   * back.
   */
  boolean holdsLive() {
    return swapRequested && !ended();
  }

  /** The live stream has stopped at {@code finalPosition} (null when it never committed one). */
  void liveYielded(Position finalPosition) {
    liveFinal = finalPosition;
    liveYielded = true;
    Position s = shadowCommitted;
    if (s != null && reached(s, finalPosition)) {
      readyToSwap = true;
      wakeOwner.run();
    }
  }

  /** Stops the rebuild's threads; its committed progress stays for a later resume. */
  void stop() throws InterruptedException {
    stopRequested = true;
    if (!stopped.await(30, TimeUnit.SECONDS)) {
      LOG.warn(
          "the rebuild did not stop within 30 s; its committed progress is kept for the next"
              + " start");
    }
  }

  /**
   * Swaps the shadow table in for the live one ({@link TableSink#swapIn()}); called by the
   * collection's thread once this rebuild is ready and has stopped.
   */
  void swapIn() {
    TableSink table = opened;
    if (!readyToSwap || table == null) {
      throw new IllegalStateException(shadow.collection() + ": the rebuild is not ready to swap");
    }
    table.swapIn();
  }

  /** Waits until the rebuild's thread has returned (after it became ready or failed). */
  void awaitStopped() throws InterruptedException {
    stopped.await();
  }

  private boolean shouldStop() {
    return stopRequested || readyToSwap;
  }

  private static boolean reached(Position shadowPosition, Position livePosition) {
    return livePosition == null || !livePosition.isAfter(shadowPosition);
  }

  private void run() {
    int attempt = 0;
    boolean begin = fresh;
    try {
      while (!shouldStop()) {
        long commitsBefore = shadow.status().commits();
        try {
          TableSink table = shadow.sink().open(shadow.mapping(), Target.SHADOW);
          opened = table;
          CollectionProgress progress = begin ? CollectionProgress.none() : table.loadProgress();
          begin = false;
          if (progress.snapshotState() != SnapshotState.DONE) {
            if (!new SnapshotCopier(shadow, table).copy(progress)) {
              continue; // stopped early: the loop ends, or resumes the copy
            }
            progress = table.loadProgress();
          }
          Position start = progress.position().orElseThrow();
          committed(start);
          if (!shouldStop()) {
            new StreamApplier(shadow, table).stream(start, progress.consistentAfter());
          }
        } catch (TidemarkException e) {
          if (!e.retriable()) {
            shadow.status().fail(e.getMessage());
            LOG.error("rebuild stopped: {}", e.getMessage());
            return;
          }
          attempt = shadow.status().commits() > commitsBefore ? 1 : attempt + 1;
          Duration delay = backoff.delayFor(attempt);
          shadow.status().retrying(e.getMessage());
          LOG.warn(
              "rebuild: {}; retrying from its last committed progress in {} ms (attempt {})",
              e.getMessage(),
              delay.toMillis(),
              attempt);
          Thread.sleep(delay.toMillis());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      shadow.status().fail("unexpected failure: " + e);
      LOG.error("rebuild stopped by an unexpected failure", e);
    } finally {
      stopped.countDown();
      wakeOwner.run();
    }
  }

  /** The shadow committed {@code position}: see whether the hand-over can move on. */
  private void committed(Position position) {
    shadowCommitted = position;
    if (liveYielded) {
      if (reached(position, liveFinal)) {
        readyToSwap = true;
        wakeOwner.run();
      }
    } else if (!swapRequested && reached(position, liveCommitted.get())) {
      swapRequested = true;
      LOG.info("rebuild caught up with the live table at {}; handing over", position.clusterTime());
      wakeOwner.run();
    }
  }

  /** Observes the shadow's commits. */
  private final class HandOver implements PhaseListener {
    @Override
    public void streamBatchCommitted(String collection, int events, Position position) {
      committed(position);
    }
  }
}
