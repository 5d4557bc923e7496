package io.tidemark.connect;

import io.tidemark.connect.decode.ChangeDecoder;
import io.tidemark.connect.decode.DocumentChange;
import io.tidemark.connect.write.PartitionWriter;
import io.tidemark.connect.write.PendingRecords;
import io.tidemark.connect.write.ReadRecord;
import io.tidemark.connect.write.WriteCounters;
import io.tidemark.core.config.TidemarkConfig;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.sink.jdbc.write.JdbcChangeSink;
import io.tidemark.sink.jdbc.write.LogPartition;
import io.tidemark.sink.jdbc.write.PartitionClaim;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Connect task: the Kafka side of a {@link PartitionWriter}.
 *
 * <ul>
 *   <li>{@link #open}: claims the assigned partitions in PostgreSQL, which fences their previous
 *       owners, and rewinds the consumer to the offsets PostgreSQL holds ({@code context.offset}):
 *       PostgreSQL, not Kafka's consumer group, is where a partition stands.
 *   <li>{@link #put}: decodes the records and holds them ({@link PendingRecords}) until several
 *       polls make a batch, then applies them, rows and offsets in one transaction. PostgreSQL out
 *       of reach is a {@link RetriableException}: the worker hands the same records again, and what
 *       was committed meanwhile is skipped. While records are held, the worker is asked to call
 *       again within {@code batch.linger.ms} ({@code context.timeout}), records or not.
 *   <li>{@link #preCommit}: writes what is held, then reports to Kafka only what PostgreSQL has
 *       committed.
 * </ul>
 *
 * Held records are not committed anywhere: dropped with a revoked or rewound partition, or a
 * stopped task, they are read again from the offsets PostgreSQL holds.
 */
public final class TidemarkSinkTask extends SinkTask {
  private static final Logger LOG = LoggerFactory.getLogger(TidemarkSinkTask.class);

  private ConnectorSettings settings;
  private TidemarkConfig config;
  private JdbcChangeSink sink;
  private PartitionWriter writer;
  private ChangeDecoder decoder;
  private final WriteCounters counters = new WriteCounters();
  private PendingRecords pending = new PendingRecords(PendingRecords.Limits.NONE);

  /** Partitions assigned to this task that it has not claimed in PostgreSQL yet. */
  private final Set<TopicPartition> unclaimed = new HashSet<>();

  private long retryBackoffMillis;
  private String name;
  private String lastReported = "";

  @Override
  public String version() {
    return Versions.tidemark();
  }

  /**
   * Reads the configuration (a mistake fails the task, with every problem named) and opens the
   * sink. PostgreSQL out of reach does not fail the task: the sink is opened again before the first
   * batch, which the worker keeps handing until it can be written.
   */
  @Override
  public void start(Map<String, String> props) {
    this.settings = new ConnectorSettings(props);
    String connector = props.getOrDefault("name", "tidemark");
    this.config = settings.tidemark(connector);
    this.name = connector + "-task-" + settings.taskId();
    this.decoder = new ChangeDecoder(settings.inputFormat(), settings.topicCollections());
    this.retryBackoffMillis = settings.retryBackoffMillis();
    this.pending = new PendingRecords(settings.batchLimits());
    TaskMetrics.register(context, counters, pending::size, name);
    try {
      openSink();
    } catch (RetriableException e) {
      LOG.warn(
          "{} started without PostgreSQL: {}; it tries again before each batch",
          name,
          e.getMessage());
    }
    LOG.info(
        "{} started: pipeline '{}', {} collections",
        name,
        config.pipeline(),
        config.collections().size());
  }

  /** Opens the sink and the tables, unless open; PostgreSQL out of reach is retriable. */
  private void openSink() {
    if (writer != null) {
      return;
    }
    try {
      this.sink = JdbcChangeSink.open(config.sink(), config.pipeline());
      this.writer =
          new PartitionWriter(sink, config.collections(), name, settings.bulkSnapshot(), counters);
    } catch (TidemarkException e) {
      closeSink();
      throw translate(e);
    }
  }

  /**
   * Claims the partitions in PostgreSQL, which fences their previous owners, and rewinds the
   * consumer to the offsets PostgreSQL holds. When PostgreSQL cannot be reached the claim waits for
   * the next batch: nothing of these partitions is applied before it.
   */
  @Override
  public void open(Collection<TopicPartition> partitions) {
    unclaimed.addAll(partitions);
    try {
      claimAssigned();
    } catch (RetriableException e) {
      LOG.warn("{} could not claim {} yet: {}", name, partitions, e.getMessage());
    }
  }

  /**
   * @return the partitions claimed now (their records in hand are dropped: the rewind resends)
   */
  private Set<TopicPartition> claimAssigned() {
    if (unclaimed.isEmpty()) {
      return Set.of();
    }
    openSink();
    Map<LogPartition, PartitionClaim> claims;
    try {
      claims = writer.claim(unclaimed.stream().map(TidemarkSinkTask::partition).toList());
    } catch (TidemarkException e) {
      throw translate(e);
    }
    Map<TopicPartition, Long> rewind = new HashMap<>();
    claims.forEach(
        (p, claim) -> {
          if (claim.nextOffset() != null) {
            rewind.put(new TopicPartition(p.topic(), p.partition()), claim.nextOffset());
          }
        });
    if (!rewind.isEmpty()) {
      context.offset(rewind);
    }
    unclaimed.clear();
    return rewind.keySet();
  }

  @Override
  public void put(Collection<SinkRecord> records) {
    Set<TopicPartition> rewound = claimAssigned();
    pending.drop(partitions(rewound));
    if (records.isEmpty() && pending.size() == 0) {
      return;
    }
    openSink();
    List<ReadRecord> read = new ArrayList<>(records.size());
    for (SinkRecord record : records) {
      // Rare (a claim that had to wait for PostgreSQL): no per-record work otherwise.
      if (rewound.isEmpty()
          || !rewound.contains(
              new TopicPartition(record.originalTopic(), record.originalKafkaPartition()))) {
        read.add(read(record));
      }
    }
    long now = System.nanoTime();
    List<ReadRecord> due = pending.holdOrTake(pending.fresh(read), now);
    if (due == null) {
      if (pending.size() > 0) {
        context.timeout(pending.millisUntilDue(now));
      }
      return;
    }
    // On failure nothing of this call is held: the worker hands these records again.
    write(due);
    pending.clear();
  }

  private void write(List<ReadRecord> records) {
    try {
      writer.write(records);
    } catch (TidemarkException e) {
      throw translate(e);
    }
  }

  /**
   * A retriable failure (PostgreSQL out of reach, a lock conflict) becomes the worker's {@link
   * RetriableException}: it hands the same records again after {@code retry.backoff.ms}, and what
   * was committed meanwhile is skipped. Any other fails the task with the reason.
   */
  private RuntimeException translate(TidemarkException e) {
    if (e.retriable()) {
      LOG.warn(
          "{}: {}; the worker hands the records again in {} ms",
          name,
          e.getMessage(),
          retryBackoffMillis);
      context.timeout(retryBackoffMillis);
      return new RetriableException(e.getMessage(), e);
    }
    return new ConnectException(e.getMessage(), e);
  }

  private ReadRecord read(SinkRecord record) {
    // The offset of the record as consumed: a transform that rewrote the topic name or partition
    // must not move where the partition's position is kept.
    LogPartition partition =
        new LogPartition(record.originalTopic(), record.originalKafkaPartition());
    long offset = record.originalKafkaOffset();
    try {
      DocumentChange change = decoder.decode(record.topic(), record.key(), record.value());
      return new ReadRecord(partition, offset, change.collection(), change, record.value(), null);
    } catch (IllegalArgumentException e) {
      String topic = record.topic();
      String collection = topic.substring(topic.lastIndexOf('.') + 1);
      return new ReadRecord(partition, offset, collection, null, record.value(), e.getMessage());
    }
  }

  @Override
  public Map<TopicPartition, OffsetAndMetadata> preCommit(
      Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
    String done = counters.toString();
    if (!done.equals(lastReported)) {
      // Once per offset commit (offset.flush.interval.ms): progress in the worker's log.
      LOG.info("{}: {}", name, done);
      lastReported = done;
    }
    Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
    if (writer == null) {
      return committed;
    }
    writeHeld();
    writer
        .committedOffsets()
        .forEach(
            (p, next) -> {
              TopicPartition tp = new TopicPartition(p.topic(), p.partition());
              if (currentOffsets.containsKey(tp)) {
                committed.put(tp, new OffsetAndMetadata(next));
              }
            });
    return committed;
  }

  /**
   * Writes the held records before an offset commit, so that it reports them (and a revoked
   * partition's are not read again). A failure leaves them held for the next batch.
   */
  private void writeHeld() {
    if (pending.size() == 0) {
      return;
    }
    try {
      writer.write(pending.held());
      pending.clear();
    } catch (TidemarkException e) {
      LOG.warn(
          "{}: could not write the {} held records before the offset commit ({}); they go with the"
              + " next batch",
          name,
          pending.size(),
          e.getMessage());
    }
  }

  @Override
  public void close(Collection<TopicPartition> partitions) {
    unclaimed.removeAll(partitions);
    pending.drop(partitions(partitions));
    if (writer != null) {
      writer.release(partitions.stream().map(TidemarkSinkTask::partition).toList());
    }
  }

  @Override
  public void stop() {
    LOG.info(
        "{} stopping: {}; {} records held and not written are read again from the committed"
            + " offsets",
        name,
        counters,
        pending.size());
    pending.clear();
    closeSink();
  }

  private void closeSink() {
    if (sink != null) {
      sink.close();
      sink = null;
    }
    writer = null;
  }

  /** What this task did so far; for tests and logs. */
  WriteCounters counters() {
    return counters;
  }

  private static Set<LogPartition> partitions(Collection<TopicPartition> partitions) {
    Set<LogPartition> set = new HashSet<>();
    partitions.forEach(tp -> set.add(partition(tp)));
    return set;
  }

  private static LogPartition partition(TopicPartition tp) {
    return new LogPartition(tp.topic(), tp.partition());
  }
}
