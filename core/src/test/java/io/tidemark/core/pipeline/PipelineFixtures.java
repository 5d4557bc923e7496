package io.tidemark.core.pipeline;

import io.micrometer.core.instrument.MeterRegistry;
import io.tidemark.core.config.SinkConfig;
import io.tidemark.core.config.TidemarkConfig;
import io.tidemark.core.event.ChangeEvent;
import io.tidemark.core.event.DocumentKey;
import io.tidemark.core.event.Operation;
import io.tidemark.core.mapping.ColumnMapping;
import io.tidemark.core.mapping.OnError;
import io.tidemark.core.mapping.SqlType;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.Position;
import io.tidemark.core.spi.ChangeSink.Target;
import io.tidemark.core.testing.FakeDocument;
import io.tidemark.core.value.FieldPath;
import io.tidemark.core.value.Value;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/** The mapping, settings and contexts the pipeline's tests share. */
final class PipelineFixtures {
  static final String COLLECTION = "orders";

  /** Key column plus an integer column {@code v}. */
  static final TableMapping WITH_V =
      new TableMapping(
          COLLECTION,
          "orders_table",
          "_id",
          List.of(
              new ColumnMapping(FieldPath.parse("v"), "v", SqlType.parse("integer").orElseThrow())),
          null,
          OnError.FAIL);

  private PipelineFixtures() {}

  /** An insert, update or replace of {@code key} to {@code v}, at source time {@code seconds}. */
  static ChangeEvent upsert(Operation op, String key, long seconds, int v) {
    return new ChangeEvent(
        op,
        new DocumentKey(key),
        FakeDocument.of(key, "v", new Value.Int32(v)),
        new Position(op + " " + key + "@" + seconds, new ClusterTime(seconds, 0)),
        null,
        null);
  }

  /** The row {@link #WITH_V} maps {@code key} with {@code v} to. */
  static List<String> row(String key, int v) {
    return List.of(key, Integer.toString(v));
  }

  static TidemarkConfig config(
      TableMapping mapping,
      int chunkSize,
      int batchSize,
      Duration idleCheckpoint,
      int parallelism) {
    return new TidemarkConfig(
        "test",
        new TidemarkConfig.SourceConfig("mongodb://localhost/?replicaSet=rs0", "shop"),
        new SinkConfig("jdbc:postgresql://localhost/shop", "u", "p", "public", "tidemark", 2),
        List.of(mapping),
        new TidemarkConfig.SnapshotConfig(chunkSize, parallelism),
        new TidemarkConfig.StreamConfig(
            batchSize, 16L << 20, Duration.ofSeconds(10), idleCheckpoint, 1000, 16L << 20),
        new TidemarkConfig.RetryConfig(Duration.ofMillis(10), Duration.ofMillis(40), 2.0),
        new TidemarkConfig.AdminConfig(-1, "127.0.0.1", null));
  }

  /**
   * A pipeline of {@link #WITH_V} with copy chunks of 10 rows, batches of up to 100 events and one
   * copy worker.
   */
  static CollectionPipeline pipeline(
      FakeSource source,
      FakeSink sink,
      MeterRegistry registry,
      PhaseListener listener,
      PipelineTimings timings) {
    return new CollectionPipeline(
        WITH_V,
        source,
        sink,
        config(WITH_V, 10, 100, Duration.ofSeconds(10), 1),
        registry,
        listener,
        timings);
  }

  /** The live context of {@link #WITH_V}, stopping when {@code stop} says so. */
  static PipelineContext context(
      FakeSource source,
      FakeSink sink,
      TidemarkConfig config,
      MeterRegistry registry,
      BooleanSupplier stop,
      PhaseListener listener) {
    return new PipelineContext(
        WITH_V,
        source,
        sink,
        Target.LIVE,
        config,
        new PipelineMetrics(registry, COLLECTION),
        new StatusBoard(COLLECTION, WITH_V.table()),
        new RowChanges(WITH_V, sink.valueEncoding()),
        listener,
        stop,
        PipelineTimings.DEFAULT);
  }
}
