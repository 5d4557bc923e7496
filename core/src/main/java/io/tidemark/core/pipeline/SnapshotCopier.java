package io.tidemark.core.pipeline;

import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.event.SourceDocument;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.spi.ChangeSink.CollectionProgress;
import io.tidemark.core.spi.ChangeSink.RangeProgress;
import io.tidemark.core.spi.ChangeSink.SnapshotState;
import io.tidemark.core.spi.RowChange;
import io.tidemark.core.spi.SnapshotCursor;
import io.tidemark.core.spi.TableSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The initial copy of one collection. Captures the source time before reading (unless resuming),
 * splits the collection into key ranges, copies the ranges in parallel ({@code
 * snapshot.parallelism} at a time), each in key order in chunks committed with the range's resume
 * mark, and hands off to the stream at the captured time.
 *
 * <p>Each range is copied by one worker: a reader thread reads and maps the next chunk while the
 * worker writes the previous one, so chunks of a range commit in key order and a crash resumes
 * every range after its last committed chunk.
 */
final class SnapshotCopier {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotCopier.class);
  private static final int CHUNKS_IN_FLIGHT = 2;

  /**
   * Ranges per worker: more ranges than workers, so that a worker whose ranges were small takes
   * another one instead of idling while the others finish.
   */
  private static final int RANGES_PER_WORKER = 4;

  private final PipelineContext ctx;
  private final TableSink table;

  /**
   * @param table the opened table the copy writes (the live table or a rebuild's shadow)
   */
  SnapshotCopier(PipelineContext ctx, TableSink table) {
    this.ctx = ctx;
    this.table = table;
  }

  /** A batch of mapped rows and the mark to resume after it; {@code last} ends the range. */
  private record Chunk(List<RowChange> rows, String markAfterLast, int deadLetters, boolean last) {}

  /** The copy's shared state while it runs: rows committed, and the first failure of any worker. */
  private static final class Run {
    /** The copy's start time (T0): every range reads data that includes the writes up to it. */
    final ClusterTime startTime;

    final AtomicLong copied;
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    final Queue<RangeProgress> pending;

    /**
     * The stop request, decided once for the attempt: a pause withdrawn by a quick resume must not
     * leave one thread stopping and another carrying on (a reader ending a range early, a worker
     * waiting for chunks that never come, or the copy declared finished with ranges unread).
     */
    final StopLatch stop;

    Run(ClusterTime startTime, long copiedBefore, List<RangeProgress> unfinished, StopLatch stop) {
      this.startTime = startTime;
      this.stop = stop;
      this.copied = new AtomicLong(copiedBefore);
      this.pending = new ConcurrentLinkedQueue<>(unfinished);
    }
  }

  /**
   * Copies what is left of the collection and marks the copy done.
   *
   * @return true when the copy is done; false when this attempt saw a stop request and returned
   *     early (the next attempt resumes each range from its last committed chunk)
   */
  boolean copy(CollectionProgress progress) throws InterruptedException {
    return copy(progress, null);
  }

  /**
   * {@link #copy(CollectionProgress)}, where a new copy starts from {@code startFrom} instead of a
   * time captured now (a time captured while the collection did not exist yet, see {@link
   * CreationWait}); null to capture one.
   */
  boolean copy(CollectionProgress progress, ClusterTime startFrom) throws InterruptedException {
    String collection = ctx.collection();
    ClusterTime startTime;
    long estimated;
    List<RangeProgress> ranges;
    // A running copy always has its ranges (recorded with its start); without them there is
    // nothing to resume from, so the copy starts over rather than declare itself finished.
    if (progress.snapshotState() == SnapshotState.RUNNING && !progress.ranges().isEmpty()) {
      startTime = progress.snapshotStartTime();
      estimated = progress.snapshotRowsEstimated();
      ranges = progress.ranges();
      LOG.info(
          "resuming the copy after {} rows, {} of {} ranges left (source time {})",
          progress.snapshotRowsCopied(),
          ranges.stream().filter(r -> !r.done()).count(),
          ranges.size(),
          startTime);
    } else {
      startTime = startFrom != null ? startFrom : ctx.source().captureOperationTime();
      estimated = ctx.source().estimatedDocumentCount();
      int parallelism = ctx.config().snapshot().parallelism();
      List<String> splitKeys =
          parallelism > 1 && estimated > ctx.config().snapshot().chunkSize()
              ? ctx.source().splitKeys(parallelism * RANGES_PER_WORKER)
              : List.of();
      table.beginSnapshot(startTime, estimated, splitKeys);
      ranges = table.loadProgress().ranges();
      LOG.info(
          "copying about {} documents into {} in {} key range(s), {} at a time (source time"
              + " {})",
          estimated,
          ctx.table(),
          ranges.size(),
          Math.min(parallelism, ranges.size()),
          startTime);
    }
    ctx.status().state(CollectionState.SNAPSHOTTING);
    ctx.status().copyStarted(progress.snapshotRowsCopied(), estimated);

    List<RangeProgress> unfinished = ranges.stream().filter(r -> !r.done()).toList();
    Run run =
        new Run(startTime, progress.snapshotRowsCopied(), unfinished, new StopLatch(ctx::stopping));
    long started = System.nanoTime();
    runWorkers(run, Math.min(ctx.config().snapshot().parallelism(), unfinished.size()));
    rethrow(run.failure.get());
    long copied = run.copied.get();
    if (run.stop.getAsBoolean()) {
      LOG.info("copy stopped at {} rows; the next attempt resumes there", copied);
      return false;
    }
    requireEveryRangeDone();
    ClusterTime endTime = ctx.source().captureOperationTime();
    table.finishSnapshot(ctx.source().positionAt(startTime), endTime);
    ctx.listener().copyFinished(collection);
    long copiedNow = copied - progress.snapshotRowsCopied();
    double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
    LOG.info(
        "copy finished, {} rows in total ({} in {} s, {} rows/s); streaming from {}",
        copied,
        copiedNow,
        String.format("%.1f", seconds),
        Math.round(copiedNow / seconds),
        startTime);
    return true;
  }

  /**
   * A copy is complete only when every one of its ranges is: checked against what the sink has
   * committed, not against what the workers believe (the sink checks it again when it records the
   * copy as done).
   */
  private void requireEveryRangeDone() {
    List<RangeProgress> ranges = table.loadProgress().ranges();
    List<Integer> notDone =
        ranges.stream().filter(r -> !r.done()).map(RangeProgress::range).toList();
    if (!notDone.isEmpty()) {
      throw new TidemarkException(
          ErrorCode.INTERNAL,
          ctx.collection()
              + ": the copy into "
              + ctx.table()
              + " ended with range(s) "
              + notDone
              + " of "
              + ranges.size()
              + " not done, so it is not marked done; restart the daemon to resume those ranges");
    }
  }

  /**
   * Runs the workers until every range is copied, a worker fails or a stop is requested. One worker
   * runs on the calling thread; the others on their own threads.
   */
  private void runWorkers(Run run, int workers) throws InterruptedException {
    List<Thread> threads = new ArrayList<>();
    for (int i = 1; i < workers; i++) {
      threads.add(ctx.startReader("copy-" + i, () -> work(run)));
    }
    try {
      work(run);
      for (Thread t : threads) {
        t.join();
      }
    } catch (InterruptedException e) {
      run.failure.compareAndSet(null, e);
      threads.forEach(Thread::interrupt);
      for (Thread t : threads) {
        t.join(TimeUnit.SECONDS.toMillis(10));
      }
      throw e;
    }
  }

  private void work(Run run) {
    try {
      RangeProgress range;
      while (!halted(run) && (range = run.pending.poll()) != null) {
        if (!copyRange(range, run)) {
          return; // halted: the range stays unfinished in the sink and resumes on the next start
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      run.failure.compareAndSet(null, e);
    } catch (RuntimeException | Error e) {
      run.failure.compareAndSet(null, e);
    }
  }

  /** Whether this attempt is over: a worker failed or a stop was seen. */
  private boolean halted(Run run) {
    return run.failure.get() != null || run.stop.getAsBoolean();
  }

  /** Copies one range to its end; false when it stopped early (a stop, or another's failure). */
  private boolean copyRange(RangeProgress range, Run run) throws InterruptedException {
    String collection = ctx.collection();
    HandoffQueue<Chunk> chunks = new HandoffQueue<>(CHUNKS_IN_FLIGHT, Long.MAX_VALUE, c -> 1);
    Thread reader =
        ctx.startReader(
            "copy-read-" + range.range(),
            () -> readChunks(run.startTime, range, chunks, () -> halted(run)));
    try {
      while (!halted(run)) {
        Chunk chunk = chunks.poll(200, TimeUnit.MILLISECONDS);
        if (chunk == null) {
          if (chunks.isDrained()) {
            return false; // the reader ended before the range's end: it stays unfinished
          }
          continue;
        }
        table.writeSnapshotChunk(range.range(), chunk.rows(), chunk.markAfterLast(), chunk.last());
        long copied = run.copied.addAndGet(chunk.rows().size());
        ctx.metrics().rowsCopied.increment(chunk.rows().size());
        ctx.metrics().deadLetters.increment(chunk.deadLetters());
        ctx.status().deadLettered(chunk.deadLetters());
        ctx.status().copied(chunk.rows().size(), copied);
        ctx.listener().copyChunkCommitted(collection, copied);
        if (chunk.last()) {
          return true;
        }
      }
      return false;
    } finally {
      chunks.close();
      reader.join(TimeUnit.SECONDS.toMillis(10));
    }
  }

  /**
   * Reads one range and hands it over in chunks; the last chunk (possibly empty) says the range is
   * complete and carries the mark of the range's last document.
   */
  private void readChunks(
      ClusterTime startTime,
      RangeProgress range,
      HandoffQueue<Chunk> chunks,
      BooleanSupplier halted) {
    int chunkSize = ctx.config().snapshot().chunkSize();
    try (SnapshotCursor cursor =
        ctx.source().openSnapshot(startTime, range.resumeAfter(), range.upTo())) {
      List<RowChange> rows = new ArrayList<>(chunkSize);
      int deadLetters = 0;
      String mark = range.resumeAfter();
      boolean rangeRead = false;
      while (!halted.getAsBoolean() && !chunks.isClosed()) {
        SourceDocument doc = cursor.next();
        if (doc == null) {
          rangeRead = true;
          break;
        }
        RowChange row = ctx.rowChanges().upsert(doc);
        if (row instanceof RowChange.DeadLetter) {
          deadLetters++;
        }
        rows.add(row);
        if (rows.size() >= chunkSize) {
          mark = cursor.markAfterLast();
          if (!chunks.put(new Chunk(rows, mark, deadLetters, false))) {
            return;
          }
          rows = new ArrayList<>(chunkSize);
          deadLetters = 0;
        }
      }
      // Only a cursor read to its end completes the range: a stop (even one withdrawn since)
      // leaves it to the next attempt.
      if (rangeRead) {
        chunks.put(
            new Chunk(rows, rows.isEmpty() ? mark : cursor.markAfterLast(), deadLetters, true));
      }
      chunks.finish();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      chunks.fail(e);
    } catch (RuntimeException | Error e) {
      // An Error too (a class mismatch, a stack overflow on a deep document): left uncaught it
      // would end this thread silently and leave the writer waiting forever.
      chunks.fail(e);
    }
  }

  private static void rethrow(Throwable failure) throws InterruptedException {
    if (failure == null) {
      return;
    }
    if (failure instanceof InterruptedException e) {
      throw e;
    }
    if (failure instanceof RuntimeException e) {
      throw e;
    }
    throw (Error) failure;
  }
}
