package io.tidemark.core.pipeline;

import io.micrometer.core.instrument.Timer;
import io.tidemark.core.config.TidemarkConfig.StreamConfig;
import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.event.ChangeEvent;
import io.tidemark.core.event.DocumentKey;
import io.tidemark.core.event.StreamItem;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.Position;
import io.tidemark.core.spi.ChangeCursor;
import io.tidemark.core.spi.RowChange;
import io.tidemark.core.spi.TableSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one collection's change stream from a committed position: a reader thread fills a bounded
 * queue, this thread groups events into sink transactions, coalesces each key to its last state and
 * commits rows together with the position they reach.
 *
 * <p>A batch is committed as soon as the queue runs dry, the sink is free and its oldest event has
 * waited 10 ms (low latency under light load), or when it reaches {@code batchSize}, {@code
 * maxBatchBytes} or {@code maxBatchDelay} (throughput under load). A quiet collection still saves
 * its position every {@code idleCheckpointInterval}.
 *
 * <p>Batches are committed in order on a committer thread, one at a time: while the sink commits
 * one batch, this thread groups and maps the next, so the JVM's work and the database's overlap. At
 * most one batch is in flight; a stop, a failure or the end of the stream waits for it.
 */
final class StreamApplier {
  private static final Logger LOG = LoggerFactory.getLogger(StreamApplier.class);
  private static final long POLL_MILLIS = 100;
  private static final long BUSY_POLL_MILLIS = 1;

  /**
   * How long the oldest event waits for more before a quiet source commits it: bounds the commits
   * of a collection with a steady trickle of writes to about 100 a second (each costs the sink a
   * transaction, its checkpoint row and its fence), at 10 ms of latency.
   */
  private static final long QUIET_LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final PipelineContext ctx;
  private final StreamConfig settings;
  private final CommitPolicy policy;
  private final TableSink table;

  /**
   * @param table the opened table the stream writes (the live table or a rebuild's shadow)
   */
  StreamApplier(PipelineContext ctx, TableSink table) {
    this.ctx = ctx;
    this.table = table;
    this.settings = ctx.config().stream();
    this.policy = CommitPolicy.of(settings);
  }

  /**
   * Streams until a stop is requested or the reader ends (returns normally), or a failure (throws).
   * Everything read before a stop is committed before returning. The stop is decided once for the
   * attempt ({@link StopLatch}): a pause the reader saw ends the writer too, even when a resume
   * withdrew it before the writer looked.
   */
  void stream(Position start, ClusterTime consistentAfter) throws InterruptedException {
    boolean consistent = consistentAfter == null || !consistentAfter.isAfter(start.clusterTime());
    ctx.status().state(consistent ? CollectionState.STREAMING : CollectionState.CATCHING_UP);
    ctx.status().positionCommitted(start);
    LOG.info(
        "streaming changes from {}{}",
        start.clusterTime(),
        consistent ? "" : "; consistent once past " + consistentAfter);

    HandoffQueue<StreamItem> queue =
        new HandoffQueue<>(
            settings.queueCapacity(),
            settings.queueMaxBytes(),
            item -> item instanceof ChangeEvent e ? e.sizeInBytes() : 64);
    StopLatch stop = new StopLatch(ctx::stopping);
    Thread reader = ctx.startReader("stream", () -> readChanges(start, queue, stop));
    Committer committer = new Committer(consistentAfter);
    TransactionBuffer buffer = new TransactionBuffer(start);
    Position committed = start;
    long lastCommitNanos = System.nanoTime();
    try {
      while (!stop.getAsBoolean()) {
        // With events waiting, look again soon: they go once the source pauses and the sink is
        // free.
        long wait = buffer.ready().isEmpty() ? POLL_MILLIS : BUSY_POLL_MILLIS;
        StreamItem item = queue.poll(wait, TimeUnit.MILLISECONDS);
        committer.throwIfFailed();
        if (item == null && queue.isDrained()) {
          // Nothing reads any more: end the attempt rather than wait on a finished queue, so
          // the collection's thread reopens the stream (or pauses) and says what it does.
          if (!stop.getAsBoolean()) {
            LOG.warn("the change stream's reader ended; ending this attempt");
          }
          break;
        }
        long now = System.nanoTime();
        if (item instanceof ChangeEvent event && event.operation().endsStream()) {
          buffer.heartbeat(event.position(), now);
          committer.submit(buffer);
          committer.awaitInFlight();
          throw invalidated(event);
        } else if (item instanceof ChangeEvent event) {
          buffer.add(event, now);
        } else if (item instanceof StreamItem.Heartbeat heartbeat) {
          buffer.heartbeat(heartbeat.position(), now);
        }
        // The source is quiet when nothing more waits right now, the sink is free and the oldest
        // event has lingered a little: commit (latency, at most one commit per linger). While a
        // commit is in flight, events gather for the next one (throughput).
        boolean quiet =
            queue.isEmpty()
                && committer.idle()
                && (buffer.ready().isEmpty()
                    || now - buffer.oldestReadyNanos() >= QUIET_LINGER_NANOS);
        if (shouldCommit(buffer, quiet, committed, lastCommitNanos, now)) {
          committed = committer.submit(buffer);
          lastCommitNanos = now;
        }
      }
      // A clean stop commits what is complete; an open source transaction is left for next time.
      committer.submit(buffer);
      committer.awaitInFlight();
    } finally {
      queue.close();
      committer.close();
      reader.join(TimeUnit.SECONDS.toMillis(10));
    }
  }

  /** Asks the commit policy about what the buffer holds now. */
  private boolean shouldCommit(
      TransactionBuffer buffer, boolean queueIdle, Position committed, long lastCommit, long now) {
    int events = buffer.ready().size();
    CommitPolicy.Waiting waiting =
        new CommitPolicy.Waiting(
            events,
            buffer.readyBytes(),
            events == 0 ? 0 : now - buffer.oldestReadyNanos(),
            buffer.readyPosition().isAfter(committed),
            now - lastCommit,
            queueIdle);
    return policy.decide(waiting).commits();
  }

  /**
   * Commits batches in order on its own thread, one at a time, so that the collection's thread can
   * map the next batch while the sink commits this one. A failed commit is thrown to the
   * collection's thread as soon as it looks ({@link #throwIfFailed}, at every poll of the queue),
   * or by the next {@link #submit} or {@link #awaitInFlight}.
   */
  private final class Committer implements AutoCloseable {
    private final ClusterTime consistentAfter;
    private final ExecutorService thread;
    private Future<?> inFlight;

    Committer(ClusterTime consistentAfter) {
      this.consistentAfter = consistentAfter;
      this.thread =
          Executors.newSingleThreadExecutor(
              body -> {
                Thread t = new Thread(ctx.inLogContext(body), "tidemark-commit-" + ctx.table());
                t.setDaemon(true);
                return t;
              });
    }

    /**
     * Takes the buffer's ready events (mapped here, on the caller's thread), waits for the batch
     * before to be committed, and starts committing these with their position. Returns that
     * position.
     */
    Position submit(TransactionBuffer buffer) throws InterruptedException {
      List<ChangeEvent> ready = List.copyOf(buffer.ready());
      Position position = buffer.readyPosition();
      List<RowChange> changes = coalesce(ready);
      buffer.clearReady();
      awaitInFlight();
      inFlight = thread.submit(() -> apply(ready, changes, position));
      return position;
    }

    /** True when no batch is being committed: a new one would start at once. */
    boolean idle() {
      return inFlight == null || inFlight.isDone();
    }

    /**
     * Throws the failure of the batch in flight if it has failed already, without waiting: a quiet
     * stream submits no next batch that would surface it.
     */
    void throwIfFailed() throws InterruptedException {
      if (inFlight != null && inFlight.isDone()) {
        awaitInFlight();
      }
    }

    /** Waits until the batch in flight, if any, is committed; throws its failure. */
    void awaitInFlight() throws InterruptedException {
      if (inFlight == null) {
        return;
      }
      try {
        inFlight.get();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException re) {
          throw re;
        }
        throw (Error) e.getCause();
      } finally {
        inFlight = null;
      }
    }

    /**
     * Waits, however long it takes, until the batch in flight has committed or failed, then ends
     * the thread. Giving up would let the collection's next attempt start a batch while this one
     * may still commit, and this one's older state of a key could land after the newer one (its
     * position would be refused, its rows would not). While it waits, it reports the commit every
     * {@code commitReportInterval} (a WARN, {@link PhaseListener#commitStillRunning}) and the
     * {@code tidemark.commit.running.seconds} gauge shows how long it has run. An interrupt does
     * not end the wait; it is kept for the caller.
     */
    @Override
    public void close() {
      thread.shutdown();
      long reportMillis = ctx.timings().commitReportInterval().toMillis();
      boolean interrupted = false;
      while (true) {
        try {
          if (thread.awaitTermination(reportMillis, TimeUnit.MILLISECONDS)) {
            break;
          }
        } catch (InterruptedException e) {
          interrupted = true;
          continue;
        }
        Duration running = ctx.metrics().commitRunning(this);
        LOG.warn(
            "a sink commit to {} has been running for {} s; the collection starts no other"
                + " batch until it has committed or failed, so that an older state cannot land"
                + " after a newer one. Look for a lock held on the table in the target database.",
            ctx.table(),
            running.toSeconds());
        ctx.listener().commitStillRunning(ctx.collection(), running);
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }

    /** Commits the events' rows with their position in one sink transaction. */
    private void apply(List<ChangeEvent> ready, List<RowChange> changes, Position position) {
      int deadLetters = 0;
      for (RowChange c : changes) {
        if (c instanceof RowChange.DeadLetter) {
          deadLetters++;
        }
      }
      Timer.Sample sample = Timer.start();
      ctx.metrics().commitStarted(this);
      try {
        table.applyBatch(changes, position);
      } finally {
        ctx.metrics().commitEnded(this);
      }
      sample.stop(ctx.metrics().commitLatency);
      if (!ready.isEmpty()) {
        ctx.metrics().batchEvents.record(ready.size());
        for (ChangeEvent e : ready) {
          ctx.metrics().applied(e.operation());
        }
        ctx.metrics().deadLetters.increment(deadLetters);
      }
      ctx.status().applied(ready.size(), deadLetters, position);
      ctx.listener().streamBatchCommitted(ctx.collection(), ready.size(), position);
      if (ctx.status().state() == CollectionState.CATCHING_UP
          && consistentAfter != null
          && !consistentAfter.isAfter(position.clusterTime())) {
        ctx.status().state(CollectionState.STREAMING);
        LOG.info("caught up with the copy; the table is consistent from now on");
      }
    }
  }

  /** The last event per key decides the key's row; earlier ones in the batch are superseded. */
  private List<RowChange> coalesce(List<ChangeEvent> events) {
    Map<DocumentKey, ChangeEvent> last = new LinkedHashMap<>();
    for (ChangeEvent e : events) {
      last.put(e.key(), e);
    }
    List<RowChange> changes = new ArrayList<>(last.size());
    for (ChangeEvent e : last.values()) {
      changes.add(
          e.operation().carriesDocument()
              ? ctx.rowChanges().upsert(e.document())
              : new RowChange.Delete(e.key()));
    }
    return changes;
  }

  private TidemarkException invalidated(ChangeEvent event) {
    return new TidemarkException(
        ErrorCode.COLLECTION_INVALIDATED,
        ctx.collection()
            + ": the source reported '"
            + event.operation().name().toLowerCase(java.util.Locale.ROOT)
            + "'"
            + (event.description() == null ? "" : " (" + event.description() + ")")
            + " at "
            + event.clusterTime()
            + "; the stream of this collection cannot continue. Table "
            + ctx.mapping().table()
            + " keeps its last state. If the collection exists again, rebuild it with"
            + " 'tidemark resnapshot "
            + ctx.collection()
            + "', or remove it from the configuration.");
  }

  private void readChanges(Position start, HandoffQueue<StreamItem> queue, StopLatch stop) {
    try (ChangeCursor cursor = ctx.source().openStream(start)) {
      Position lastHeartbeat = start;
      // The writer closes the queue when it fails; an idle cursor would not notice otherwise.
      while (!stop.getAsBoolean() && !queue.isClosed()) {
        ChangeEvent event = cursor.tryNext();
        if (event != null) {
          if (!queue.put(event)) {
            return;
          }
          lastHeartbeat = event.position();
          if (event.operation().endsStream()) {
            break;
          }
          continue;
        }
        Position idle = cursor.position();
        if (idle != null && idle.isAfter(lastHeartbeat)) {
          lastHeartbeat = idle;
          if (!queue.put(new StreamItem.Heartbeat(idle))) {
            return;
          }
        }
      }
      queue.finish();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      queue.fail(e);
    } catch (RuntimeException | Error e) {
      // An Error too (a class mismatch, a stack overflow on a deep document): left uncaught it
      // would end this thread silently and leave the writer waiting forever.
      queue.fail(e);
    }
  }
}
