package io.tidemark.core.pipeline;

import io.micrometer.core.instrument.MeterRegistry;
import io.tidemark.core.config.TidemarkConfig;
import io.tidemark.core.logging.LogContext;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.spi.ChangeSink;
import io.tidemark.core.spi.ChangeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link CollectionPipeline} per configured collection, each on its own thread, so a
 * rebuild or a poison document in one collection never stalls the others.
 *
 * <p>Lifecycle: {@link #start()} once, {@link #stop(Duration)} once. Status may be read from any
 * thread at any time.
 */
public final class Engine {
  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

  private final List<CollectionPipeline> pipelines = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final String name;
  private final HistoryWindowMonitor historyMonitor;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(inPipelineContext(r), "tidemark-oplog-monitor");
            t.setDaemon(true);
            return t;
          });

  public Engine(
      TidemarkConfig config, ChangeSource source, ChangeSink sink, MeterRegistry registry) {
    this(config, source, sink, registry, PhaseListener.NONE);
  }

  public Engine(
      TidemarkConfig config,
      ChangeSource source,
      ChangeSink sink,
      MeterRegistry registry,
      PhaseListener listener) {
    this.name = config.pipeline();
    for (TableMapping mapping : config.collections()) {
      pipelines.add(new CollectionPipeline(mapping, source, sink, config, registry, listener));
    }
    this.historyMonitor =
        new HistoryWindowMonitor(
            source,
            pipelines.stream().map(CollectionPipeline::collection).toList(),
            this::status,
            registry);
  }

  private Runnable inPipelineContext(Runnable body) {
    return () -> {
      try (LogContext.Scope scope = LogContext.open(name, null)) {
        body.run();
      }
    };
  }

  public void start() {
    for (CollectionPipeline p : pipelines) {
      Thread t = new Thread(p, "tidemark-" + p.collection());
      threads.add(t);
      t.start();
    }
    scheduler.scheduleWithFixedDelay(historyMonitor::check, 5, 30, TimeUnit.SECONDS);
    LOG.info("pipeline {}: started {} collection(s)", name, pipelines.size());
  }

  /** Asks every collection to commit what is complete and stop; waits up to {@code timeout}. */
  public boolean stop(Duration timeout) throws InterruptedException {
    scheduler.shutdownNow();
    pipelines.forEach(CollectionPipeline::stop);
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean all = true;
    for (Thread t : threads) {
      long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
      t.join(left);
      all &= !t.isAlive();
    }
    LOG.info(
        "pipeline {}: stopped{}", name, all ? "" : " (some collections did not finish in time)");
    return all;
  }

  /** Waits until every collection has stopped by itself (failed or stopped). */
  public void awaitTermination() throws InterruptedException {
    for (Thread t : threads) {
      t.join();
    }
  }

  public List<CollectionStatus> status() {
    List<CollectionStatus> out = new ArrayList<>();
    for (CollectionPipeline p : pipelines) {
      out.add(p.status());
    }
    return out;
  }

  public Optional<CollectionPipeline> pipeline(String collection) {
    return pipelines.stream().filter(p -> p.collection().equals(collection)).findFirst();
  }
}
