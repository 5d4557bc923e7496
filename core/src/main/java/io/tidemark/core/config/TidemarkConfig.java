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
    RetryConfig retry,
    AdminConfig admin,
    boolean standby) {

  public TidemarkConfig {
    collections = List.copyOf(collections);
  }

  /** A writer (not a standby). */
  public TidemarkConfig(
      String pipeline,
      SourceConfig source,
      SinkConfig sink,
      List<TableMapping> collections,
      SnapshotConfig snapshot,
      StreamConfig stream,
      RetryConfig retry,
      AdminConfig admin) {
    this(pipeline, source, sink, collections, snapshot, stream, retry, admin, false);
  }

  /** The same configuration, as a standby or not. */
  public TidemarkConfig withStandby(boolean asStandby) {
    return new TidemarkConfig(
        pipeline, source, sink, collections, snapshot, stream, retry, admin, asStandby);
  }

  /** Where documents come from. */
  public record SourceConfig(String uri, String database, StreamScope streamScope) {
    public SourceConfig {
      java.util.Objects.requireNonNull(streamScope, "streamScope");
    }

    /** With the default stream scope. */
    public SourceConfig(String uri, String database) {
      this(uri, database, ConfigKeys.SOURCE_STREAM_SCOPE.defaultValue());
    }

    @Override
    public String toString() {
      return "SourceConfig[uri="
          + ConnectionStrings.mask(uri)
          + ", database="
          + database
          + ", streamScope="
          + streamScope
          + "]";
    }
  }

  /**
   * How the initial copy runs.
   *
   * @param chunkSize documents per copy transaction
   * @param parallelism key ranges copied at the same time
   */
  public record SnapshotConfig(int chunkSize, int parallelism) {}

  /** How streamed changes are grouped into sink transactions and buffered. */
  public record StreamConfig(
      int batchSize,
      long maxBatchBytes,
      Duration maxBatchDelay,
      Duration idleCheckpointInterval,
      int queueCapacity,
      long queueMaxBytes) {}

  /**
   * The admin HTTP API.
   *
   * @param port the port; 0 picks a free one, -1 turns the API off
   * @param bind the address to listen on
   * @param token the bearer token required, or null for none
   */
  public record AdminConfig(int port, String bind, String token) {
    public boolean enabled() {
      return port >= 0;
    }

    @Override
    public String toString() {
      return "AdminConfig[port="
          + port
          + ", bind="
          + bind
          + ", token="
          + ConnectionStrings.secret(token)
          + "]";
    }
  }

  /** How reconnects back off. */
  public record RetryConfig(Duration initialDelay, Duration maxDelay, double multiplier) {}
}
