package io.tidemark.app.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tidemark.app.bench.BenchWorkload.Kind;
import io.tidemark.app.bench.Measurement.PathResult;
import io.tidemark.core.config.TidemarkConfig;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.pipeline.CollectionPipeline;
import io.tidemark.core.pipeline.CollectionState;
import io.tidemark.core.pipeline.CollectionStatus;
import io.tidemark.core.pipeline.PhaseListener;
import io.tidemark.core.position.Position;
import io.tidemark.sink.jdbc.write.JdbcChangeSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tidemark's own paths, driven through the real engine ({@link CollectionPipeline}) and the real
 * sink ({@link JdbcChangeSink}) from the generated source: the snapshot copy of a collection, and
 * the streaming apply of each workload phase into one table. A phase is timed from the moment its
 * first event can be read to the commit of its last event, as the engine reports it through its
 * {@link PhaseListener}.
 */
final class TidemarkPaths {
  /** A phase that makes no progress for this long has hung: the benchmark stops with an error. */
  private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(120);

  private final BenchDatabase db;
  private final TidemarkConfig config;
  private final BenchDocuments documents;
  private final BenchWorkload workload;
  private final Measurement.Probes probes;

  TidemarkPaths(
      BenchDatabase db,
      TidemarkConfig config,
      BenchDocuments documents,
      BenchWorkload workload,
      Measurement.Probes probes) {
    this.db = db;
    this.config = config;
    this.documents = documents;
    this.workload = workload;
    this.probes = probes;
  }

  /** Runs around each streamed phase, while the stream is paused (e.g. to check the table). */
  interface PhaseHooks {
    default void before(Kind phase) throws Exception {}

    default void after(Kind phase) throws Exception {}
  }

  PathResult snapshot(TableMapping mapping) throws Exception {
    return snapshot(mapping, "");
  }

  /**
   * @param variant what sets this run apart, appended to the path's name (e.g. its child table);
   *     the settings the name gives otherwise are the same as the path without it
   */
  PathResult snapshot(TableMapping mapping, String variant) throws Exception {
    GeneratedSource source = new GeneratedSource();
    source.add(
        new GeneratedCollection(
            mapping.collection(), documents, workload, workload.rows(), List.of()));
    try (Run run = new Run(mapping, source)) {
      Measurement m = Measurement.start(probes);
      run.start();
      run.awaitCopy();
      CountingSink.Counts c = run.sink.counts();
      PathResult r =
          m.stopAt(
              run.progress.copyFinishedNanos,
              variant.isEmpty()
                  ? "Tidemark snapshot ("
                      + config.snapshot().parallelism()
                      + " ranges at a time, chunks of "
                      + config.snapshot().chunkSize()
                      + ")"
                  : "Tidemark snapshot" + variant,
              c.rows(),
              "");
      db.vacuum(mapping.table());
      return withCounts(r, c);
    }
  }

  List<PathResult> stream(TableMapping mapping, List<Kind> phases, PhaseHooks hooks)
      throws Exception {
    return stream(mapping, phases, hooks, "");
  }

  /**
   * @param variant what sets this run apart, appended to each path's name
   */
  List<PathResult> stream(TableMapping mapping, List<Kind> phases, PhaseHooks hooks, String variant)
      throws Exception {
    GeneratedSource source = new GeneratedSource();
    GeneratedCollection collection =
        source.add(new GeneratedCollection(mapping.collection(), documents, workload, 0, phases));
    List<PathResult> results = new ArrayList<>();
    try (Run run = new Run(mapping, source)) {
      run.start();
      run.awaitCopy();
      for (Kind phase : phases) {
        db.checkpoint();
        hooks.before(phase);
        CountingSink.Counts before = run.sink.counts();
        long target = run.progress.events.get() + workload.events();
        run.progress.target.set(target);
        Measurement m = Measurement.start(probes);
        collection.releaseNextPhase();
        long end = run.awaitEvents(target);
        CountingSink.Counts c = run.sink.counts().minus(before);
        PathResult r =
            m.stopAt(end, "Tidemark stream " + phase.label() + variant, workload.events(), "");
        results.add(withCounts(r, c));
        db.vacuum(mapping.table());
        hooks.after(phase);
      }
    }
    return results;
  }

  /** Adds what the sink saw: rows after coalescing, transactions, and its share of the time. */
  private static PathResult withCounts(PathResult r, CountingSink.Counts c) {
    String note =
        String.format(
            Locale.ROOT,
            "%d rows written in %d transactions; %.0f%% of the time inside the sink",
            c.rows(),
            c.transactions(),
            100.0 * c.nanosInside() / 1e9 / r.seconds());
    return r.withNote(note);
  }

  /** One collection's pipeline on its own thread, with the listener that times it. */
  private final class Run implements AutoCloseable {
    final Progress progress = new Progress();
    final JdbcChangeSink jdbc;
    final CountingSink sink;
    final CollectionPipeline pipeline;
    final Thread thread;

    Run(TableMapping mapping, GeneratedSource source) {
      // As the daemon does: every transaction is then fenced by the lock's epoch, a real cost.
      this.jdbc = JdbcChangeSink.openWriter(db.sinkConfig(config.sink().poolSize()), "bench");
      CountingSink.Counted counted = CountingSink.wrap(jdbc);
      this.sink = counted.counter();
      this.pipeline =
          new CollectionPipeline(
              mapping, source, counted.sink(), config, new SimpleMeterRegistry(), progress);
      this.thread = new Thread(pipeline, "tidemark-bench-" + mapping.collection());
    }

    void start() {
      thread.start();
    }

    void awaitCopy() throws InterruptedException {
      while (progress.copyFinishedNanos == 0) {
        check(progress.copiedRows.get());
      }
    }

    long awaitEvents(long target) throws InterruptedException {
      while (progress.targetReachedNanos == 0 || progress.events.get() < target) {
        check(progress.events.get());
      }
      long end = progress.targetReachedNanos;
      progress.targetReachedNanos = 0;
      return end;
    }

    private long lastSeen = -1;
    private long lastProgressNanos = System.nanoTime();

    /** Waits a little; fails when the pipeline failed or made no progress for too long. */
    private void check(long seen) throws InterruptedException {
      TimeUnit.MILLISECONDS.sleep(5);
      CollectionStatus status = pipeline.status();
      if (status.state() == CollectionState.FAILED || !thread.isAlive()) {
        throw new IllegalStateException(
            "Tidemark's pipeline for " + status.collection() + " stopped: " + status.lastError());
      }
      long now = System.nanoTime();
      if (seen != lastSeen) {
        lastSeen = seen;
        lastProgressNanos = now;
      } else if (now - lastProgressNanos > STALL_NANOS) {
        throw new IllegalStateException(
            "Tidemark's pipeline for "
                + status.collection()
                + " made no progress for 120 s (state "
                + status.state()
                + ", last error: "
                + status.lastError()
                + ")");
      }
    }

    @Override
    public void close() throws InterruptedException {
      pipeline.stop();
      thread.join(TimeUnit.SECONDS.toMillis(30));
      jdbc.close();
    }
  }

  /** The engine's phase reports; called on the collection thread, so it only records. */
  private static final class Progress implements PhaseListener {
    final AtomicLong copiedRows = new AtomicLong();
    final AtomicLong events = new AtomicLong();
    final AtomicLong target = new AtomicLong(Long.MAX_VALUE);
    volatile long copyFinishedNanos;
    volatile long targetReachedNanos;

    @Override
    public void copyChunkCommitted(String collection, long rowsCopied) {
      copiedRows.set(rowsCopied);
    }

    @Override
    public void copyFinished(String collection) {
      copyFinishedNanos = System.nanoTime();
    }

    @Override
    public void streamBatchCommitted(String collection, int n, Position position) {
      if (events.addAndGet(n) >= target.get() && targetReachedNanos == 0) {
        targetReachedNanos = System.nanoTime();
      }
    }
  }
}
