package io.tidemark.sink.jdbc.write;

import java.util.Comparator;
import java.util.Objects;

/**
 * One partition of a partitioned log that feeds a pipeline: a Kafka topic's partition, for the
 * Kafka Connect sink. Its offsets are kept beside the rows ({@link PartitionAdvance}).
 */
public record LogPartition(String topic, int partition) implements Comparable<LogPartition> {

  private static final Comparator<LogPartition> ORDER =
      Comparator.comparing(LogPartition::topic).thenComparingInt(LogPartition::partition);

  public LogPartition {
    Objects.requireNonNull(topic, "topic");
  }

  /** By topic, then partition: the order rows are locked in, so two claimers never deadlock. */
  @Override
  public int compareTo(LogPartition other) {
    return ORDER.compare(this, other);
  }

  /** Kafka's own spelling, {@code topic-partition}. */
  @Override
  public String toString() {
    return topic + "-" + partition;
  }
}
