package io.tidemark.app.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tidemark.core.config.TidemarkConfig;
import io.tidemark.core.config.YamlConfigLoader;
import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configuration Tidemark's paths run with, bound by the real loader so that every default is
 * the real one. The source and sink entries are placeholders (the benchmark hands the engine its
 * own source and sink); the {@code snapshot} and {@code stream} sections may come from a user's
 * configuration file, to measure the settings they run with.
 */
final class BenchConfig {
  /** The collections Tidemark's paths copy and stream, in this order. */
  static final String SNAPSHOT_COLLECTION = "snapshot";

  static final String STREAM_COLLECTION = "stream";

  /** Copied again with each document's line items in a child table. */
  static final String CHILDREN_COLLECTION = "children";

  /** Streamed again with each document's line items in a child table. */
  static final String CHILDREN_STREAM_COLLECTION = "children_stream";

  /** The child table of a collection's table. */
  static String childTable(String table) {
    return table + "_items";
  }

  /** A collection written to {@code tm_<name>} with its line items in a child table. */
  private static Map<String, Object> withChildTable(String name) {
    String table = "tm_" + name;
    return Map.of(
        "name",
        name,
        "table",
        table,
        "documentColumn",
        "doc",
        "children",
        List.of(
            Map.of(
                "field",
                "items",
                "table",
                childTable(table),
                "columns",
                List.of(
                    Map.of("field", "sku"),
                    Map.of("field", "qty", "type", "integer"),
                    Map.of(
                        "field", "unitPrice", "column", "unit_price", "type", "numeric(12,2)")))));
  }

  private BenchConfig() {}

  /**
   * @param userConfig a Tidemark configuration file whose snapshot and stream sections (and
   *     source.streamScope, for the lag probe) to use, or null for the defaults
   */
  static TidemarkConfig load(Path userConfig) {
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("pipeline", "bench");
    tree.put("source", Map.of("uri", "mongodb://generated.invalid", "database", "bench"));
    tree.put(
        "sink",
        Map.of(
            "jdbcUrl", "jdbc:postgresql://generated.invalid/bench",
            "schema", BenchDatabase.SCHEMA,
            "metadataSchema", BenchDatabase.METADATA_SCHEMA));
    tree.put(
        "collections",
        new Object[] {
          Map.of("name", SNAPSHOT_COLLECTION, "table", "tm_snapshot"),
          Map.of("name", STREAM_COLLECTION, "table", "tm_stream"),
          withChildTable(CHILDREN_COLLECTION),
          withChildTable(CHILDREN_STREAM_COLLECTION)
        });
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    String origin = "the benchmark's configuration";
    if (userConfig != null) {
      origin += " (snapshot and stream sections from " + userConfig + ")";
      try {
        Object user = yaml.readValue(userConfig.toFile(), Object.class);
        if (user instanceof Map<?, ?> sections) {
          for (String section : new String[] {"snapshot", "stream"}) {
            if (sections.get(section) != null) {
              tree.put(section, sections.get(section));
            }
          }
          // The lag probe reads the stand-in with the user's stream scope.
          if (sections.get("source") instanceof Map<?, ?> source
              && source.get("streamScope") != null) {
            Map<String, Object> ours = new LinkedHashMap<>();
            ours.put("uri", "mongodb://generated.invalid");
            ours.put("database", "bench");
            ours.put("streamScope", source.get("streamScope"));
            tree.put("source", ours);
          }
        }
      } catch (IOException e) {
        throw new TidemarkException(
            ErrorCode.CONFIG_INVALID,
            "Cannot read " + userConfig + " for the benchmark's settings: " + e.getMessage());
      }
    }
    try {
      return new YamlConfigLoader().parse(yaml.writeValueAsString(tree), origin);
    } catch (IOException e) {
      throw new TidemarkException(
          ErrorCode.INTERNAL, "Cannot write the benchmark's configuration: " + e.getMessage());
    }
  }

  /** One line with the settings that shape the measured paths. */
  static String describe(TidemarkConfig config) {
    return "snapshot.chunkSize="
        + config.snapshot().chunkSize()
        + ", snapshot.parallelism="
        + config.snapshot().parallelism()
        + ", stream.batchSize="
        + config.stream().batchSize()
        + ", stream.maxBatchBytes="
        + config.stream().maxBatchBytes()
        + ", stream.maxBatchDelay="
        + config.stream().maxBatchDelay().toMillis()
        + "ms, stream.queueCapacity="
        + config.stream().queueCapacity()
        + ", sink.poolSize="
        + config.sink().poolSize();
  }
}
