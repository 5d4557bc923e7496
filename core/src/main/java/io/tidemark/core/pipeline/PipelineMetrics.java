package io.tidemark.core.pipeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.event.Operation;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The meters of one collection. Names are documented in docs/operations.md; every meter carries the
 * {@code collection} tag. Built once per collection so the hot path only increments.
 */
public final class PipelineMetrics {
  public static final String ROWS_COPIED = "tidemark.snapshot.rows";
  public static final String EVENTS_APPLIED = "tidemark.events.applied";
  public static final String DEAD_LETTERS = "tidemark.deadletters";
  public static final String RECONNECTS = "tidemark.reconnects";
  public static final String ERRORS = "tidemark.errors";
  public static final String BATCH_EVENTS = "tidemark.batch.events";
  public static final String COMMIT_LATENCY = "tidemark.commit.latency";
  public static final String LAG = "tidemark.lag.seconds";
  public static final String COMMIT_RUNNING = "tidemark.commit.running.seconds";

  private final MeterRegistry registry;
  private final String collection;
  final Counter rowsCopied;
  final Counter deadLetters;
  final Counter reconnects;
  final DistributionSummary batchEvents;
  final Timer commitLatency;
  private final Map<Operation, Counter> applied = new EnumMap<>(Operation.class);

  /** Start (System.nanoTime) of each sink commit running now, by its committer. */
  private final Map<Object, Long> commitsRunning = new ConcurrentHashMap<>();

  public PipelineMetrics(MeterRegistry registry, String collection) {
    this.registry = registry;
    this.collection = collection;
    this.rowsCopied =
        Counter.builder(ROWS_COPIED)
            .tag("collection", collection)
            .description("Rows committed by the initial copy")
            .register(registry);
    this.deadLetters =
        Counter.builder(DEAD_LETTERS)
            .tag("collection", collection)
            .description("Documents written to the dead-letter table")
            .register(registry);
    this.reconnects =
        Counter.builder(RECONNECTS)
            .tag("collection", collection)
            .description("Reconnects after a retriable failure")
            .register(registry);
    this.batchEvents =
        DistributionSummary.builder(BATCH_EVENTS)
            .tag("collection", collection)
            .description("Change events per sink transaction")
            .register(registry);
    this.commitLatency =
        Timer.builder(COMMIT_LATENCY)
            .tag("collection", collection)
            .description("Time to commit one sink transaction")
            .register(registry);
    Gauge.builder(COMMIT_RUNNING, commitsRunning, PipelineMetrics::longestSeconds)
        .tag("collection", collection)
        .description(
            "Seconds the longest sink commit running now has taken; 0 when none runs. The"
                + " collection starts no other batch of that table until it ends")
        .register(registry);
    for (Operation op : Operation.values()) {
      applied.put(
          op,
          Counter.builder(EVENTS_APPLIED)
              .tag("collection", collection)
              .tag("operation", op.name().toLowerCase(java.util.Locale.ROOT))
              .description("Change events committed to the sink")
              .register(registry));
    }
  }

  /** Registers the lag gauge, read from the collection's status when scraped. */
  void lag(java.util.function.Supplier<CollectionStatus> status) {
    Gauge.builder(LAG, status, s -> s.get().lagSeconds())
        .tag("collection", collection)
        .description(
            "Seconds between the source time of the last committed position and now; -1 before"
                + " the first commit")
        .register(registry);
  }

  void commitStarted(Object committer) {
    commitsRunning.put(committer, System.nanoTime());
  }

  void commitEnded(Object committer) {
    commitsRunning.remove(committer);
  }

  /** How long the commit of {@code committer} has been running; zero when none runs. */
  Duration commitRunning(Object committer) {
    Long started = commitsRunning.get(committer);
    return started == null ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - started);
  }

  private static double longestSeconds(Map<Object, Long> running) {
    long now = System.nanoTime();
    return running.values().stream().mapToLong(started -> now - started).max().orElse(0) / 1e9;
  }

  void applied(Operation operation) {
    applied.get(operation).increment();
  }

  void error(ErrorCode code) {
    Counter.builder(ERRORS)
        .tag("collection", collection)
        .tag("code", code.name())
        .register(registry)
        .increment();
  }
}
