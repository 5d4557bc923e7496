package io.tidemark.it.support;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a workload's steps on one thread until stopped: the writes that keep coming while the engine
 * copies, streams, crashes or loses its network. One thread, because the stand-in must be written
 * from one thread (MONGO-NOTES.md).
 */
public final class BackgroundWriter implements AutoCloseable {
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  private BackgroundWriter(Runnable step, long pauseMillis) {
    this.thread =
        new Thread(
            () -> {
              while (running.get()) {
                step.run();
                if (pauseMillis > 0) {
                  try {
                    Thread.sleep(pauseMillis);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              }
            },
            "test-writer");
  }

  /** Starts calling {@code step} with {@code pauseMillis} between calls. */
  public static BackgroundWriter start(Runnable step, long pauseMillis) {
    BackgroundWriter writer = new BackgroundWriter(step, pauseMillis);
    writer.thread.start();
    return writer;
  }

  /** Stops after the step in progress and waits for it. Idempotent. */
  public void stop() throws InterruptedException {
    running.set(false);
    thread.join();
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
