package io.tidemark.connect;

import io.tidemark.connect.decode.InputFormat;
import io.tidemark.connect.write.PendingRecords;
import io.tidemark.core.config.TidemarkConfig;
import io.tidemark.core.config.YamlConfigLoader;
import io.tidemark.core.error.TidemarkException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The connector's own properties (beside Connect's {@code topics}, {@code tasks.max} and the
 * converters). The mapping is Tidemark's YAML, the daemon's file without {@code source}: the same
 * columns, child tables, {@code schema.evolve}, {@code onError} and dead letters.
 */
final class ConnectorSettings extends AbstractConfig {
  static final String CONFIG_FILE = "tidemark.config.file";
  static final String CONFIG_YAML = "tidemark.config.yaml";
  static final String TOPIC_COLLECTIONS = "topic.collections";
  static final String INPUT_FORMAT = "input.format";
  static final String BULK_SNAPSHOT = "bulk.snapshot";
  static final String RETRY_BACKOFF_MS = "retry.backoff.ms";
  static final String BATCH_MAX_RECORDS = "batch.max.records";
  static final String BATCH_MAX_BYTES = "batch.max.bytes";
  static final String BATCH_LINGER_MS = "batch.linger.ms";

  /** Set by the connector for each task: its number, for the owner name in the offsets table. */
  static final String TASK_ID = "tidemark.task.id";

  static final ConfigDef DEFINITION =
      new ConfigDef()
          .define(
              CONFIG_FILE,
              Type.STRING,
              null,
              Importance.HIGH,
              "Path, on every worker, of the Tidemark YAML file: sink (PostgreSQL) and"
                  + " collections, as for the daemon, without source. ${NAME} is read from the"
                  + " worker's environment. Give this or tidemark.config.yaml.")
          .define(
              CONFIG_YAML,
              Type.PASSWORD,
              null,
              Importance.HIGH,
              "The Tidemark YAML itself, in the connector's configuration (a password type: the"
                  + " REST API does not show it). Give this or tidemark.config.file.")
          .define(
              TOPIC_COLLECTIONS,
              Type.STRING,
              "",
              Importance.MEDIUM,
              "topic=collection pairs, comma-separated, for topics whose collection is not the"
                  + " record's own (ns.coll, source.collection) nor the topic name's last"
                  + " dot-separated segment.")
          .define(
              INPUT_FORMAT,
              Type.STRING,
              "auto",
              ConfigDef.ValidString.in("auto", "debezium", "change_stream", "full_document"),
              Importance.MEDIUM,
              "Which connector wrote the topics: debezium (Debezium's MongoDB connector),"
                  + " change_stream (MongoDB's connector, change-stream documents), full_document"
                  + " (MongoDB's connector with publish.full.document.only), or auto (each"
                  + " record's fields decide).")
          .define(
              BULK_SNAPSHOT,
              Type.BOOLEAN,
              true,
              Importance.LOW,
              "Write a batch of a connector's initial-copy records (Debezium op r) by COPY first,"
                  + " falling back to upserts when a key is in the table already.")
          .define(
              RETRY_BACKOFF_MS,
              Type.LONG,
              2_000L,
              ConfigDef.Range.atLeast(100),
              Importance.LOW,
              "How long the worker waits before handing a batch again after PostgreSQL could not"
                  + " be reached.")
          .define(
              BATCH_MAX_RECORDS,
              Type.INT,
              5_000,
              ConfigDef.Range.atLeast(1),
              Importance.MEDIUM,
              "A task holds the records of several polls (max.poll.records each, 500 by default)"
                  + " and writes them in one transaction per collection once they are this many,"
                  + " or batch.max.bytes, or the oldest has waited batch.linger.ms.")
          .define(
              BATCH_MAX_BYTES,
              Type.LONG,
              32L * 1024 * 1024,
              ConfigDef.Range.atLeast(1),
              Importance.LOW,
              "The held records are written once their documents reach this many bytes (BSON):"
                  + " what a task holds in memory beyond the consumer's own buffers.")
          .define(
              BATCH_LINGER_MS,
              Type.LONG,
              500L,
              ConfigDef.Range.atLeast(0),
              Importance.MEDIUM,
              "How long a record may wait for others before its batch is written; 0 writes each"
                  + " poll at once. Held records are not committed: the offsets Kafka and"
                  + " PostgreSQL keep stay before them until they are written.")
          .define(TASK_ID, Type.INT, 0, Importance.LOW, "Set by the connector; do not set.");

  ConnectorSettings(Map<String, String> properties) {
    super(DEFINITION, properties);
    boolean file = getString(CONFIG_FILE) != null;
    boolean inline = getPassword(CONFIG_YAML) != null;
    if (file == inline) {
      throw new ConfigException(
          "Give the Tidemark YAML either as "
              + CONFIG_FILE
              + " (a path on every worker) or as "
              + CONFIG_YAML
              + " (the text), "
              + (file ? "not both." : "one of them."));
    }
  }

  /**
   * The Tidemark configuration, its pipeline named after the connector unless the YAML names one.
   *
   * @throws ConfigException naming every problem of the YAML
   */
  TidemarkConfig tidemark(String connectorName) {
    YamlConfigLoader loader = new YamlConfigLoader();
    try {
      String file = getString(CONFIG_FILE);
      if (file != null) {
        return loader.parseWithoutSource(readFile(Path.of(file)), file, connectorName);
      }
      return loader.parseWithoutSource(
          getPassword(CONFIG_YAML).value(), CONFIG_YAML, connectorName);
    } catch (TidemarkException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  private static String readFile(Path file) {
    try {
      return java.nio.file.Files.readString(file);
    } catch (java.io.IOException e) {
      throw new ConfigException(
          "Cannot read "
              + CONFIG_FILE
              + " "
              + file
              + " on this worker ("
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage()
              + "); the file must be on every worker");
    }
  }

  InputFormat inputFormat() {
    return InputFormat.valueOf(getString(INPUT_FORMAT).toUpperCase(Locale.ROOT));
  }

  Map<String, String> topicCollections() {
    Map<String, String> pairs = new LinkedHashMap<>();
    String text = getString(TOPIC_COLLECTIONS).trim();
    if (text.isEmpty()) {
      return pairs;
    }
    for (String pair : text.split(",")) {
      String[] parts = pair.trim().split("=", 2);
      if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
        throw new ConfigException(
            TOPIC_COLLECTIONS,
            text,
            "'" + pair.trim() + "' is not topic=collection; write e.g. cdc.shop.orders=orders");
      }
      pairs.put(parts[0].trim(), parts[1].trim());
    }
    return pairs;
  }

  boolean bulkSnapshot() {
    return getBoolean(BULK_SNAPSHOT);
  }

  long retryBackoffMillis() {
    return getLong(RETRY_BACKOFF_MS);
  }

  PendingRecords.Limits batchLimits() {
    return new PendingRecords.Limits(
        getInt(BATCH_MAX_RECORDS), getLong(BATCH_MAX_BYTES), getLong(BATCH_LINGER_MS));
  }

  int taskId() {
    return getInt(TASK_ID);
  }
}
