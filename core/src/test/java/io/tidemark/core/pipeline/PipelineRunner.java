package io.tidemark.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs pipelines on threads of their own for one test; {@link #close()} stops them and checks that
 * each thread ended.
 */
final class PipelineRunner implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(5);

  private final List<Runnable> stops = new ArrayList<>();

  Thread start(CollectionPipeline pipeline) {
    Thread thread = new Thread(pipeline, "test-pipeline");
    thread.setDaemon(true);
    thread.start();
    stops.add(
        () -> {
          pipeline.stop();
          try {
            thread.join(WAIT.toMillis());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          assertThat(thread.isAlive()).as("pipeline thread ended after stop").isFalse();
        });
    return thread;
  }

  /** Waits until the pipeline shows {@code state}; fails with its status after the timeout. */
  static void awaitState(CollectionPipeline pipeline, CollectionState state, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (pipeline.status().state() != state) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("expected " + state + " but status is " + pipeline.status());
      }
      Thread.sleep(5);
    }
  }

  static void awaitState(CollectionPipeline pipeline, CollectionState state)
      throws InterruptedException {
    awaitState(pipeline, state, WAIT);
  }

  @Override
  public void close() {
    stops.forEach(Runnable::run);
  }
}
