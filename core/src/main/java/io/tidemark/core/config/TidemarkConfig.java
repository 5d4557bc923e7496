package io.tidemark.core.config;

import io.tidemark.core.mapping.TableMapping;
import java.time.Duration;
import java.util.List;

/**
 * The whole, validated configuration of a pipeline. Immutable: once the daemon runs it is sealed.
 */
public record TidemarkConfig(
    String pipeline,
    SourceConfig source,
    SinkConfig sink,
    List<TableMapping> collections,
    SnapshotConfig snapshot,
    StreamConfig stream,
    RetryConfig retry) {

  public TidemarkConfig {
    collections = List.copyOf(collections);
  }

  /** Where documents come from. */
  public record SourceConfig(String uri, String database) {
    @Override
    public String toString() {
      return "SourceConfig[uri=" + ConnectionStrings.mask(uri) + ", database=" + database + "]";
    }
  }

  /** How the initial copy runs. */
  public record SnapshotConfig(int chunkSize) {}

  /** How streamed changes are grouped into sink transactions and buffered. */
  public record StreamConfig(
      int batchSize,
      long maxBatchBytes,
      Duration maxBatchDelay,
      Duration idleCheckpointInterval,
      int queueCapacity,
      long queueMaxBytes) {}

  /** How reconnects back off. */
  public record RetryConfig(Duration initialDelay, Duration maxDelay, double multiplier) {}
}
