package io.tidemark.core.pipeline;

import io.micrometer.core.instrument.MeterRegistry;
import io.tidemark.core.config.TidemarkConfig;
import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.spi.ChangeSink;
import io.tidemark.core.spi.ChangeSink.CollectionProgress;
import io.tidemark.core.spi.ChangeSink.SnapshotState;
import io.tidemark.core.spi.ChangeSource;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one collection's table in step with its source collection: copy if no finished copy is
 * committed, then stream from the committed position. Retriable failures (network, failover) are
 * retried with backoff from the last committed state; other failures stop this collection only.
 *
 * <p>{@link #run()} blocks and is called on a thread of its own; {@link #stop()} and {@link
 * #status()} may be called from any thread.
 */
public final class CollectionPipeline implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(CollectionPipeline.class);

  private final PipelineContext ctx;
  private final Backoff backoff;
  private final CountDownLatch stopSignal = new CountDownLatch(1);
  private volatile boolean stopRequested;

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
    StatusBoard status = new StatusBoard(mapping.collection(), mapping.table());
    this.ctx =
        new PipelineContext(
            mapping,
            source.collection(mapping.collection()),
            sink,
            config,
            new PipelineMetrics(registry, mapping.collection()),
            status,
            new RowChanges(mapping),
            listener,
            () -> stopRequested);
    this.backoff = new Backoff(config.retry());
  }

  public String collection() {
    return ctx.collection();
  }

  public CollectionStatus status() {
    return ctx.status().snapshot();
  }

  /** Asks the pipeline to commit what is complete and return from {@link #run()}. */
  public void stop() {
    stopRequested = true;
    stopSignal.countDown();
  }

  @Override
  public void run() {
    int attempt = 0;
    while (!stopRequested) {
      long commitsBefore = ctx.status().commits();
      try {
        runOnce();
        break;
      } catch (TidemarkException e) {
        ctx.metrics().error(e.code());
        if (!e.retriable()) {
          ctx.status().fail(e.getMessage());
          log.error("{}: stopped: {}", ctx.collection(), e.getMessage());
          return;
        }
        attempt = ctx.status().commits() > commitsBefore ? 1 : attempt + 1;
        Duration delay = backoff.delayFor(attempt);
        ctx.status().retrying(e.getMessage());
        ctx.metrics().reconnects.increment();
        log.warn(
            "{}: {}; reconnecting from the last committed position in {} ms (attempt {})",
            ctx.collection(),
            e.getMessage(),
            delay.toMillis(),
            attempt);
        if (!sleep(delay)) {
          break;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (RuntimeException e) {
        ctx.metrics().error(ErrorCode.INTERNAL);
        ctx.status().fail("unexpected failure: " + e);
        log.error("{}: stopped by an unexpected failure", ctx.collection(), e);
        return;
      }
    }
    if (ctx.status().state() != CollectionState.FAILED) {
      ctx.status().state(CollectionState.STOPPED);
    }
  }

  private void runOnce() throws InterruptedException {
    ctx.sink().prepareTable(ctx.mapping());
    CollectionProgress progress = ctx.sink().loadProgress(ctx.collection());
    if (progress.snapshotState() != SnapshotState.DONE) {
      new SnapshotCopier(ctx).copy(progress);
      if (stopRequested) {
        return;
      }
      progress = ctx.sink().loadProgress(ctx.collection());
    }
    var start =
        progress
            .position()
            .orElseThrow(
                () ->
                    new TidemarkException(
                        ErrorCode.INTERNAL,
                        ctx.collection()
                            + ": the copy is marked done but no stream position is"
                            + " stored; run 'tidemark resnapshot "
                            + ctx.collection()
                            + "'"));
    new StreamApplier(ctx).stream(start, progress.consistentAfter());
  }

  /** Waits, waking early on stop. @return false when stopped. */
  private boolean sleep(Duration delay) {
    try {
      return !stopSignal.await(delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
