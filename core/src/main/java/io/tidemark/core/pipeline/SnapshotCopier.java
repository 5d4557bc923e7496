package io.tidemark.core.pipeline;

import io.tidemark.core.event.SourceDocument;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.spi.ChangeSink.CollectionProgress;
import io.tidemark.core.spi.ChangeSink.SnapshotState;
import io.tidemark.core.spi.RowChange;
import io.tidemark.core.spi.SnapshotCursor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The initial copy of one collection. Captures the source time before reading (unless resuming),
 * copies documents in key order in chunks — each chunk committed with its resume mark — and hands
 * off to the stream at the captured time.
 *
 * <p>A reader thread reads and maps the next chunk while this thread writes the previous one.
 */
final class SnapshotCopier {
  private static final Logger log = LoggerFactory.getLogger(SnapshotCopier.class);
  private static final int CHUNKS_IN_FLIGHT = 2;

  private final PipelineContext ctx;

  SnapshotCopier(PipelineContext ctx) {
    this.ctx = ctx;
  }

  /** A batch of mapped rows and the mark to resume after it. */
  private record Chunk(List<RowChange> rows, String markAfterLast, int deadLetters) {}

  /**
   * Copies what is left of the collection. Returns early, without finishing, when a stop was
   * requested; the next start resumes from the last committed chunk.
   */
  void copy(CollectionProgress progress) throws InterruptedException {
    String collection = ctx.collection();
    ClusterTime startTime;
    String resumeMark;
    long copied;
    long estimated;
    if (progress.snapshotState() == SnapshotState.RUNNING) {
      startTime = progress.snapshotStartTime();
      resumeMark = progress.snapshotResumeMark();
      copied = progress.snapshotRowsCopied();
      estimated = progress.snapshotRowsEstimated();
      log.info(
          "{}: resuming the copy after {} rows (source time {})", collection, copied, startTime);
    } else {
      startTime = ctx.source().captureOperationTime();
      estimated = ctx.source().estimatedDocumentCount();
      ctx.sink().beginSnapshot(collection, ctx.target(), startTime, estimated);
      resumeMark = null;
      copied = 0;
      log.info(
          "{}: copying about {} documents into {} (source time {})",
          collection,
          estimated,
          ctx.table(),
          startTime);
    }
    ctx.status().state(CollectionState.SNAPSHOTTING);
    ctx.status().copyStarted(copied, estimated);

    HandoffQueue<Chunk> chunks = new HandoffQueue<>(CHUNKS_IN_FLIGHT, Long.MAX_VALUE, c -> 1);
    String from = resumeMark;
    Thread reader = ctx.startReader("copy", () -> readChunks(from, chunks));
    long started = System.nanoTime();
    long copiedNow = 0;
    try {
      while (!ctx.stopping()) {
        Chunk chunk = chunks.poll(200, TimeUnit.MILLISECONDS);
        if (chunk == null) {
          if (chunks.isDrained()) {
            break;
          }
          continue;
        }
        copied += chunk.rows().size();
        copiedNow += chunk.rows().size();
        ctx.sink()
            .writeSnapshotChunk(
                collection, ctx.target(), chunk.rows(), chunk.markAfterLast(), copied);
        ctx.metrics().rowsCopied.increment(chunk.rows().size());
        ctx.metrics().deadLetters.increment(chunk.deadLetters());
        ctx.status().deadLettered(chunk.deadLetters());
        ctx.status().copied(chunk.rows().size(), copied);
        ctx.listener().copyChunkCommitted(collection, copied);
      }
    } finally {
      chunks.close();
      reader.join(TimeUnit.SECONDS.toMillis(10));
    }
    if (ctx.stopping()) {
      log.info("{}: copy paused at {} rows; the next start resumes there", collection, copied);
      return;
    }
    ClusterTime endTime = ctx.source().captureOperationTime();
    ctx.sink()
        .finishSnapshot(collection, ctx.target(), ctx.source().positionAt(startTime), endTime);
    ctx.listener().copyFinished(collection);
    double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
    log.info(
        "{}: copy finished, {} rows in total ({} in {} s, {} rows/s); streaming from {}",
        collection,
        copied,
        copiedNow,
        String.format("%.1f", seconds),
        Math.round(copiedNow / seconds),
        startTime);
  }

  private void readChunks(String resumeMark, HandoffQueue<Chunk> chunks) {
    int chunkSize = ctx.config().snapshot().chunkSize();
    try (SnapshotCursor cursor = ctx.source().openSnapshot(resumeMark)) {
      List<RowChange> rows = new ArrayList<>(chunkSize);
      int deadLetters = 0;
      SourceDocument doc;
      while (!ctx.stopping() && !chunks.isClosed() && (doc = cursor.next()) != null) {
        RowChange row = ctx.rowChanges().upsert(doc);
        if (row instanceof RowChange.DeadLetter) {
          deadLetters++;
        }
        rows.add(row);
        if (rows.size() >= chunkSize) {
          if (!chunks.put(new Chunk(rows, cursor.markAfterLast(), deadLetters))) {
            return;
          }
          rows = new ArrayList<>(chunkSize);
          deadLetters = 0;
        }
      }
      if (!rows.isEmpty() && !ctx.stopping()) {
        chunks.put(new Chunk(rows, cursor.markAfterLast(), deadLetters));
      }
      chunks.finish();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      chunks.fail(e);
    } catch (RuntimeException e) {
      chunks.fail(e);
    }
  }
}
