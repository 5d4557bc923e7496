package io.tidemark.connect;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A generated stream of Debezium MongoDB change events for one collection, in the form the
 * connector writes them through the schemaless JSON converter ({@code events/debezium/*.json}: key
 * {@code {"id": <_id as relaxed Extended JSON>}}, {@code op}, {@code after} as Extended JSON text,
 * {@code source}), with the end state the events lead to, to compare the table with.
 */
final class DebeziumStream {
  private final String collection;
  private final Random random;
  private final Map<String, Integer> versions = new TreeMap<>();
  private final Map<String, String> endState = new TreeMap<>(); // _id -> "status|version|qtys"
  private final List<byte[][]> pending = new ArrayList<>();
  private final List<String> documents = new ArrayList<>();
  private long produced;

  DebeziumStream(String collection, long seed) {
    this.collection = collection;
    this.random = new Random(seed);
  }

  /** The initial copy: op r for documents 0 .. n-1. */
  void snapshot(int n) {
    for (int i = 0; i < n; i++) {
      write("r", id(i));
    }
  }

  /** Inserts (op c) of documents {@code from} .. {@code from + n - 1}. */
  void inserts(int from, int n) {
    for (int i = from; i < from + n; i++) {
      write("c", id(i));
    }
  }

  /** {@code n} random changes: updates (full document), inserts of new ids, deletes. */
  void changes(int n, int idRange) {
    for (int k = 0; k < n; k++) {
      String id = id(random.nextInt(idRange));
      int dice = random.nextInt(10);
      if (dice == 0 && endState.containsKey(id)) {
        delete(id);
      } else if (dice == 1 && endState.containsKey(id)) {
        patch(id);
      } else {
        write(endState.containsKey(id) ? "u" : "c", id);
      }
    }
  }

  private static String id(int i) {
    return String.format("o-%06d", i);
  }

  private void write(String op, String id) {
    int version = versions.merge(id, 1, Integer::sum);
    int items = random.nextInt(4);
    StringBuilder qtys = new StringBuilder();
    StringBuilder itemsJson = new StringBuilder("[");
    for (int j = 0; j < items; j++) {
      int qty = random.nextInt(100);
      qtys.append(j == 0 ? "" : ",").append(qty);
      itemsJson
          .append(j == 0 ? "" : ",")
          .append("{\"sku\": \"s")
          .append(j)
          .append("\",\"qty\": ")
          .append(qty)
          .append('}');
    }
    itemsJson.append(']');
    String status = "status-" + random.nextInt(5);
    String after =
        "{\"_id\": \""
            + id
            + "\",\"status\": \""
            + status
            + "\",\"version\": "
            + version
            + ",\"items\": "
            + itemsJson
            + ",\"placed\": {\"$date\": 1717508730123}}";
    endState.put(id, status + "|" + version + "|" + qtys);
    documents.add(after);
    add(key(id), value(op, quote(after)));
  }

  /**
   * An update as Debezium sends it in capture.mode change_streams: no after, only the delta
   * (events/debezium/update-delta.json), with updatedFields as relaxed Extended JSON text.
   */
  private void patch(String id) {
    int version = versions.merge(id, 1, Integer::sum);
    String status = "patched-" + random.nextInt(5);
    String[] was = endState.get(id).split("\\|", -1);
    endState.put(id, status + "|" + version + "|" + was[2]);
    String updated = "{\"status\": \"" + status + "\", \"version\": " + version + "}";
    add(
        key(id),
        value("u", "null")
            .replace(
                "\"updateDescription\": null",
                "\"updateDescription\": {\"updatedFields\": "
                    + quote(updated)
                    + ", \"removedFields\": null, \"truncatedArrays\": null}"));
  }

  private void delete(String id) {
    versions.merge(id, 1, Integer::sum);
    endState.remove(id);
    add(key(id), value("d", "null"));
    add(key(id), null); // the tombstone Debezium sends after a delete
  }

  private String value(String op, String after) {
    return "{\"before\": null, \"after\": "
        + after
        + ", \"updateDescription\": null, \"source\": {\"connector\": \"mongodb\", \"name\":"
        + " \"cdc\", \"db\": \"shop\", \"collection\": \""
        + collection
        + "\", \"snapshot\": \""
        + (op.equals("r") ? "true" : "false")
        + "\", \"ord\": 1, \"lsid\": null, \"txnNumber\": null}, \"op\": \""
        + op
        + "\", \"ts_ms\": 1717509305000, \"transaction\": null}";
  }

  private static String key(String id) {
    return "{\"id\": " + quote("\"" + id + "\"") + "}";
  }

  private static String quote(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private void add(String key, String value) {
    pending.add(
        new byte[][] {
          key.getBytes(StandardCharsets.UTF_8),
          value == null ? null : value.getBytes(StandardCharsets.UTF_8)
        });
  }

  /**
   * Sends what was generated since the last call, partitioned by key as the connector does, and
   * waits until the broker has every record: a record the producer failed to write fails here, not
   * later as a change the sink cannot explain.
   */
  void sendTo(KafkaProducer<byte[], byte[]> producer, String topic) {
    List<java.util.concurrent.Future<?>> sent = new ArrayList<>(pending.size());
    for (byte[][] kv : pending) {
      sent.add(producer.send(new ProducerRecord<>(topic, kv[0], kv[1])));
    }
    producer.flush();
    for (java.util.concurrent.Future<?> record : sent) {
      try {
        record.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while sending to " + topic, e);
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException("the producer lost a record of " + topic, e.getCause());
      }
    }
    produced += pending.size();
    pending.clear();
  }

  /** Every full document written so far, as Extended JSON, in order. */
  List<String> documents() {
    return List.copyOf(documents);
  }

  long produced() {
    return produced;
  }

  /** _id → "status|version|qty,qty" of every document that exists at the end. */
  Map<String, String> endState() {
    return new LinkedHashMap<>(endState);
  }
}
