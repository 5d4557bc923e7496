package io.tidemark.core.pipeline;

import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.Position;
import io.tidemark.core.spi.ChangeSink.CollectionProgress;
import io.tidemark.core.spi.ChangeSink.SnapshotState;
import io.tidemark.core.spi.ChangeSink.Target;
import io.tidemark.core.spi.TableSink;

/**
 * One attempt of a collection's live table, from what the sink has committed: wait for the
 * collection if it does not exist yet and no copy was begun, copy it unless a finished copy is
 * committed, then stream. Returns when a stop is seen; throws on a failure. Runs on the
 * collection's thread.
 */
final class LiveAttempt {
  private LiveAttempt() {}

  static void run(PipelineContext live, CreationWait.Pacer pacer) throws InterruptedException {
    String collection = live.collection();
    TableSink table = live.sink().open(live.mapping(), Target.LIVE);
    CollectionProgress progress = table.loadProgress();
    if (progress.snapshotState() != SnapshotState.DONE) {
      ClusterTime startFrom = null;
      if (progress.snapshotState() == SnapshotState.NONE) {
        StopLatch stop = new StopLatch(live::stopping);
        startFrom = new CreationWait(live, pacer).await(stop);
        if (stop.getAsBoolean()) {
          return;
        }
      }
      if (!new SnapshotCopier(live, table).copy(progress, startFrom)) {
        return; // stopped early: the collection's thread decides what comes next
      }
      progress = table.loadProgress();
    }
    Position start =
        progress
            .position()
            .orElseThrow(
                () ->
                    new TidemarkException(
                        ErrorCode.INTERNAL,
                        collection
                            + ": the copy is marked done but no stream position is stored; run"
                            + " 'tidemark resnapshot "
                            + collection
                            + "'"));
    new StreamApplier(live, table).stream(start, progress.consistentAfter());
  }
}
