package io.tidemark.connect;

import io.tidemark.connect.write.WriteCounters;
import java.util.LinkedHashMap;
import java.util.function.IntSupplier;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task's counters as metrics of the worker (Kafka 4.1's plugin metrics, KIP-877), reported with
 * the worker's own: in JMX under {@code kafka.connect:type=plugins,connector=…,task=…}, and in
 * whatever reporter the worker runs. The worker removes them when the task stops. On an older
 * worker there are none, and the task logs its counters at each offset commit instead.
 */
final class TaskMetrics {
  private static final Logger LOG = LoggerFactory.getLogger(TaskMetrics.class);

  private TaskMetrics() {}

  static void register(
      SinkTaskContext context, WriteCounters counters, IntSupplier held, String task) {
    PluginMetrics metrics;
    try {
      metrics = context.pluginMetrics();
    } catch (LinkageError olderWorker) {
      metrics = null;
    }
    if (metrics == null) {
      LOG.info("{}: this worker has no plugin metrics (Kafka 4.1 or later has)", task);
      return;
    }
    add(
        metrics,
        "records-applied-total",
        "Records committed to PostgreSQL",
        counters,
        WriteCounters::recordsApplied);
    metrics.addMetric(
        metrics.metricName(
            "records-held",
            "Records accepted from the worker and held for the next batch, not written yet",
            new LinkedHashMap<>()),
        (Gauge<Integer>) (config, now) -> held.getAsInt());
    add(metrics, "transactions-total", "Transactions committed", counters, WriteCounters::batches);
    add(
        metrics,
        "bulk-transactions-total",
        "Transactions written by COPY",
        counters,
        WriteCounters::bulkBatches);
    add(
        metrics,
        "dead-letters-total",
        "Records parked in the dead-letter table",
        counters,
        WriteCounters::deadLettered);
    add(
        metrics,
        "deltas-applied-total",
        "Delta updates applied to a stored document",
        counters,
        WriteCounters::patched);
    add(
        metrics,
        "records-skipped-committed-total",
        "Records handed again below a partition's committed offset",
        counters,
        WriteCounters::skippedCommitted);
    add(
        metrics,
        "records-dropped-not-owned-total",
        "Records of partitions another task had claimed",
        counters,
        WriteCounters::droppedNotOwned);
    add(
        metrics,
        "partitions-fenced-total",
        "Partitions found claimed by another task in a transaction",
        counters,
        WriteCounters::fenced);
  }

  private static void add(
      PluginMetrics metrics,
      String name,
      String description,
      WriteCounters counters,
      ToLongFunction<WriteCounters> value) {
    Gauge<Long> gauge = (config, now) -> value.applyAsLong(counters);
    metrics.addMetric(metrics.metricName(name, description, new LinkedHashMap<>()), gauge);
  }
}
