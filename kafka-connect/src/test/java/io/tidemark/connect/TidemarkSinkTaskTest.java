package io.tidemark.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.harness.net.TcpProxy;
import io.tidemark.harness.postgres.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The task's life with the worker played by hand: PostgreSQL out of reach at start and when
 * partitions are assigned must not fail the task (Connect does not restart a failed task by
 * itself), and a new task must rewind to PostgreSQL's offsets and apply nothing twice.
 */
class TidemarkSinkTaskTest {
  private static final PostgresServer POSTGRES = PostgresServer.shared();
  private static final TopicPartition TP = new TopicPartition("cdc.shop.orders", 0);

  private TcpProxy proxy;
  private String url;
  private final List<TidemarkSinkTask> tasks = new ArrayList<>();

  @BeforeEach
  void proxy() {
    url = POSTGRES.newDatabase("task");
    proxy = TcpProxy.start(POSTGRES.host(), POSTGRES.port());
  }

  @AfterEach
  void stop() {
    tasks.forEach(TidemarkSinkTask::stop);
    proxy.close();
  }

  @Test
  void postgresOutOfReachAtStartIsWaitedForAndNothingIsAppliedTwiceAfter() {
    proxy.cutFor(Duration.ofMinutes(5));
    RecordingContext context = new RecordingContext();
    TidemarkSinkTask task = task(context);

    task.open(List.of(TP)); // the claim waits: nothing of the partition is applied before it
    assertThatThrownBy(() -> task.put(List.of(record(0, "a", "v0"), record(1, "b", "v0"))))
        .isInstanceOf(RetriableException.class);
    assertThat(context.timeouts).isNotEmpty().allMatch(millis -> millis == 500L);

    proxy.heal();
    task.put(List.of(record(0, "a", "v0"), record(1, "b", "v0")));
    assertThat(task.preCommit(Map.of(TP, new OffsetAndMetadata(2))))
        .containsEntry(TP, new OffsetAndMetadata(2));
    assertThat(context.metric("records-applied-total")).isEqualTo(2L);
    assertThat(context.metric("transactions-total")).isEqualTo(1L);

    // The partition moves to a new task, which rewinds to PostgreSQL's offset; the consumer hands
    // offset 1 again with the next one, and only the next one is applied.
    RecordingContext next = new RecordingContext();
    TidemarkSinkTask successor = task(next);
    successor.open(List.of(TP));
    assertThat(next.rewinds).containsExactly(Map.of(TP, 2L));
    successor.put(List.of(record(1, "b", "v0"), record(2, "a", "v1")));

    assertThat(query("SELECT string_agg(_id || '=' || name, ',' ORDER BY _id) FROM public.orders"))
        .isEqualTo("a=v1,b=v0");
    assertThat(query("SELECT records_applied || '/' || next_offset FROM tidemark.partition_offset"))
        .isEqualTo("3/3");
    assertThat(query("SELECT pipeline FROM tidemark.partition_offset"))
        .as("a YAML without pipeline is named after the connector")
        .isEqualTo("orders-sink");
    // The first task's partition was claimed by the successor: its late batch is dropped.
    task.put(List.of(record(2, "a", "late")));
    assertThat(query("SELECT name FROM public.orders WHERE _id = 'a'")).isEqualTo("v1");
    assertThat(context.metric("partitions-fenced-total")).isEqualTo(1L);
    assertThat(next.metric("records-skipped-committed-total")).isEqualTo(1L);
  }

  @Test
  void aPartitionClaimedLateIsRewoundAndTheRecordsInHandAreLeftToTheRewind() {
    RecordingContext context = new RecordingContext();
    TidemarkSinkTask first = task(context);
    first.open(List.of(TP));
    first.put(List.of(record(0, "a", "v0")));
    first.close(List.of(TP));

    proxy.cutFor(Duration.ofMinutes(5));
    RecordingContext later = new RecordingContext();
    TidemarkSinkTask task = task(later);
    task.open(List.of(TP));
    assertThat(later.rewinds).isEmpty();
    proxy.heal();

    // The consumer started from wherever Kafka's group offset was (offset 5 here, say): the
    // claim rewinds to PostgreSQL's offset 1 and drops the batch, which the rewind resends.
    task.put(List.of(record(5, "z", "from the wrong place")));
    assertThat(later.rewinds).containsExactly(Map.of(TP, 1L));
    assertThat(query("SELECT count(*) FROM public.orders WHERE _id = 'z'")).isEqualTo("0");
  }

  /** A task that writes every poll at once, as the tests of claims and rewinds want. */
  private TidemarkSinkTask task(SinkTaskContext context) {
    return task(context, Map.of("batch.linger.ms", "0"));
  }

  /** A task holding records as {@code batching} says, with the partition assigned. */
  private TidemarkSinkTask opened(SinkTaskContext context, Map<String, String> batching) {
    TidemarkSinkTask task = task(context, batching);
    task.open(List.of(TP));
    return task;
  }

  private TidemarkSinkTask task(SinkTaskContext context, Map<String, String> batching) {
    TidemarkSinkTask task = new TidemarkSinkTask();
    tasks.add(task);
    task.initialize(context);
    String proxied = url.replaceFirst("//[^/]+/", "//127.0.0.1:" + proxy.port() + "/");
    Map<String, String> props = new HashMap<>();
    props.put("name", "orders-sink");
    props.put("topics", TP.topic());
    props.put("retry.backoff.ms", "500");
    props.put(
        "tidemark.config.yaml",
        SinkYaml.of(
            POSTGRES,
            proxied,
            "collections:",
            "  - name: orders",
            "    columns:",
            "      - { field: name }"));
    props.putAll(batching);
    task.start(props);
    return task;
  }

  @Test
  void heldRecordsAreWrittenTogetherOnAnOffsetCommitOrWhenTheyReachTheLimit() {
    RecordingContext context = new RecordingContext();
    TidemarkSinkTask task =
        opened(context, Map.of("batch.max.records", "3", "batch.linger.ms", "60000"));

    task.put(List.of(record(0, "a", "v0")));
    task.put(List.of(record(1, "b", "v0")));
    assertThat(query("SELECT count(*) FROM public.orders")).as("held").isEqualTo("0");
    assertThat(context.metric("records-held")).isEqualTo(2);
    assertThat(context.timeouts)
        .as("the worker is asked to call again before the oldest is due")
        .isNotEmpty()
        .allMatch(millis -> millis > 0 && millis <= 60_000);
    assertThat(task.preCommit(Map.of(TP, new OffsetAndMetadata(2))))
        .as("an offset commit writes what is held first, and reports it")
        .containsEntry(TP, new OffsetAndMetadata(2));
    assertThat(context.metric("transactions-total")).isEqualTo(1L);

    task.put(List.of(record(2, "a", "v1"), record(3, "c", "v0")));
    task.put(List.of(record(4, "d", "v0"))); // the third held record: written, in one transaction
    assertThat(context.metric("transactions-total")).isEqualTo(2L);
    assertThat(context.metric("records-held")).isEqualTo(0);
    assertThat(query("SELECT string_agg(_id || '=' || name, ',' ORDER BY _id) FROM public.orders"))
        .isEqualTo("a=v1,b=v0,c=v0,d=v0");
  }

  @Test
  void aHeldRecordIsWrittenOnceItHasWaitedTheLingerTimeOnTheNextCall() throws Exception {
    RecordingContext context = new RecordingContext();
    TidemarkSinkTask task = opened(context, Map.of("batch.linger.ms", "200"));

    task.put(List.of(record(0, "a", "v0")));
    assertThat(query("SELECT count(*) FROM public.orders")).isEqualTo("0");
    Thread.sleep(250);
    task.put(List.of()); // the worker calls with nothing once the timeout it was given is over
    assertThat(query("SELECT count(*) FROM public.orders")).isEqualTo("1");
  }

  @Test
  void aBatchRetriedAfterAPostgresCutWritesTheHeldRecordsAndTheRetriedOnesOnce() {
    RecordingContext context = new RecordingContext();
    TidemarkSinkTask task =
        opened(context, Map.of("batch.max.records", "3", "batch.linger.ms", "60000"));
    task.put(List.of(record(0, "a", "v0"), record(1, "b", "v0")));

    proxy.cutFor(Duration.ofMinutes(5));
    List<SinkRecord> due = List.of(record(2, "c", "v0"), record(3, "a", "v1"));
    assertThatThrownBy(() -> task.put(due)).isInstanceOf(RetriableException.class);
    proxy.heal();
    putAsTheWorkerDoes(task, due); // it hands the failed call's records again until they go in

    assertThat(query("SELECT string_agg(_id || '=' || name, ',' ORDER BY _id) FROM public.orders"))
        .isEqualTo("a=v1,b=v0,c=v0");
    assertThat(query("SELECT records_applied || '/' || next_offset FROM tidemark.partition_offset"))
        .as("every record applied once")
        .isEqualTo("4/4");
  }

  @Test
  void aRevokedPartitionsHeldRecordsAreLeftToItsNextOwner() {
    RecordingContext context = new RecordingContext();
    TidemarkSinkTask task = opened(context, Map.of("batch.linger.ms", "60000"));
    task.put(List.of(record(0, "a", "v0"), record(1, "b", "v0")));
    task.close(List.of(TP));
    assertThat(context.metric("records-held")).isEqualTo(0);

    RecordingContext next = new RecordingContext();
    TidemarkSinkTask successor = task(next);
    successor.open(List.of(TP));
    assertThat(next.rewinds).as("nothing committed: the consumer's own start").isEmpty();
    successor.put(List.of(record(0, "a", "v0"), record(1, "b", "v0")));
    assertThat(query("SELECT records_applied || '/' || next_offset FROM tidemark.partition_offset"))
        .isEqualTo("2/2");
  }

  /** Hands the records again after each retriable failure, as the worker does (a few times). */
  private static void putAsTheWorkerDoes(TidemarkSinkTask task, List<SinkRecord> records) {
    for (int attempt = 1; ; attempt++) {
      try {
        task.put(records);
        return;
      } catch (RetriableException e) {
        if (attempt == 10) {
          throw e;
        }
      }
    }
  }

  private static SinkRecord record(long offset, String id, String name) {
    String value =
        "{\"operationType\": \"replace\", \"ns\": {\"db\": \"shop\", \"coll\": \"orders\"},"
            + " \"documentKey\": {\"_id\": \""
            + id
            + "\"}, \"fullDocument\": {\"_id\": \""
            + id
            + "\", \"name\": \""
            + name
            + "\"}}";
    return new SinkRecord(
        TP.topic(), TP.partition(), null, "{\"_id\": \"" + id + "\"}", null, value, offset);
  }

  private String query(String sql) {
    try (Connection c = POSTGRES.dataSource(url).getConnection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /** What the worker is asked to do: rewinds and pauses before a retry. */
  private static final class RecordingContext implements SinkTaskContext {
    final List<Map<TopicPartition, Long>> rewinds = new ArrayList<>();
    final List<Long> timeouts = new ArrayList<>();

    @Override
    public Map<String, String> configs() {
      return Map.of();
    }

    @Override
    public void offset(Map<TopicPartition, Long> offsets) {
      rewinds.add(Map.copyOf(offsets));
    }

    @Override
    public void offset(TopicPartition tp, long offset) {
      rewinds.add(Map.of(tp, offset));
    }

    @Override
    public void timeout(long timeoutMs) {
      timeouts.add(timeoutMs);
    }

    @Override
    public Set<TopicPartition> assignment() {
      return Set.of(TP);
    }

    @Override
    public void pause(TopicPartition... partitions) {}

    @Override
    public void resume(TopicPartition... partitions) {}

    @Override
    public void requestCommit() {}

    final Map<String, org.apache.kafka.common.metrics.Gauge<?>> metrics = new HashMap<>();

    @Override
    public PluginMetrics pluginMetrics() {
      return new PluginMetrics() {
        @Override
        public org.apache.kafka.common.MetricName metricName(
            String name, String description, java.util.LinkedHashMap<String, String> tags) {
          return new org.apache.kafka.common.MetricName(name, "plugins", description, tags);
        }

        @Override
        public void addMetric(
            org.apache.kafka.common.MetricName name,
            org.apache.kafka.common.metrics.MetricValueProvider<?> provider) {
          metrics.put(name.name(), (org.apache.kafka.common.metrics.Gauge<?>) provider);
        }

        @Override
        public void removeMetric(org.apache.kafka.common.MetricName name) {}

        @Override
        public org.apache.kafka.common.metrics.Sensor addSensor(String name) {
          throw new UnsupportedOperationException();
        }

        @Override
        public void removeSensor(String name) {}
      };
    }

    Object metric(String name) {
      return metrics.get(name).value(null, 0);
    }
  }
}
