package io.tidemark.core.pipeline;

import io.tidemark.core.position.ClusterTime;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for a configured collection that does not exist in the source yet. MongoDB creates a
 * collection on its first insert ("If a collection does not exist, MongoDB creates the collection
 * when you first store data for that collection", manual: Databases and Collections), and teams
 * deploy the replicator before the application writes: such a collection waits ({@link
 * CollectionState#WAITING}) while the others run.
 *
 * <p>The source time is captured before every look. The time captured before the last look that
 * still found the collection absent precedes the collection's first insert, so a copy and a stream
 * from there miss none of its first documents, whatever state the copy reads. A change stream
 * matches events by namespace, not by the collection's identity, so a stream started before the
 * collection existed sees the inserts that create and fill it ({@code buildOperationFilter} in
 * {@code src/mongo/db/pipeline/change_stream_filter_helpers.cpp}: CRUD events are those whose
 * {@code ns} matches). The time is at most one look old, so a long wait cannot push it out of the
 * source's history.
 *
 * <p>Runs on the collection's thread.
 */
final class CreationWait {
  private static final Logger LOG = LoggerFactory.getLogger(CreationWait.class);

  /** Waits up to the given time; returns early when the collection's thread is woken. */
  interface Pacer {
    void await(Duration upTo) throws InterruptedException;
  }

  private final PipelineContext ctx;
  private final Pacer pacer;

  CreationWait(PipelineContext ctx, Pacer pacer) {
    this.ctx = ctx;
    this.pacer = pacer;
  }

  /**
   * Returns once the collection exists or {@code stop} says so.
   *
   * @return the source time to start the copy from: captured before a look that found the
   *     collection absent; null when the collection existed from the start (the copy captures its
   *     own time) or a stop ended the wait
   */
  ClusterTime await(BooleanSupplier stop) throws InterruptedException {
    if (ctx.source().exists()) {
      return null;
    }
    ClusterTime before = ctx.source().captureOperationTime();
    if (ctx.source().exists()) {
      return null; // created just now, maybe before that time: an ordinary copy
    }
    ctx.status().state(CollectionState.WAITING);
    LOG.warn(
        "collection {} does not exist in the source yet; waiting for it (MongoDB creates a"
            + " collection on its first insert), looking every {} s. Its copy and stream will"
            + " start from source time {} or a later one captured while it still did not exist,"
            + " so none of its first documents is missed. If it is not expected to appear, check"
            + " collections[].name and source.database.",
        ctx.collection(),
        ctx.timings().creationPollInterval().toSeconds(),
        before);
    while (!stop.getAsBoolean()) {
      pacer.await(ctx.timings().creationPollInterval());
      if (stop.getAsBoolean()) {
        break;
      }
      ClusterTime now = ctx.source().captureOperationTime();
      if (ctx.source().exists()) {
        LOG.info("the collection exists now; copying it and streaming from source time {}", before);
        return before;
      }
      before = now;
    }
    return null;
  }
}
