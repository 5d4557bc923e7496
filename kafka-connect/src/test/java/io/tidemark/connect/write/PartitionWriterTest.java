package io.tidemark.connect.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.connect.SinkYaml;
import io.tidemark.connect.decode.ChangeDecoder;
import io.tidemark.connect.decode.InputFormat;
import io.tidemark.core.config.TidemarkConfig;
import io.tidemark.core.config.YamlConfigLoader;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.harness.postgres.PostgresServer;
import io.tidemark.sink.jdbc.write.JdbcChangeSink;
import io.tidemark.sink.jdbc.write.LogPartition;
import io.tidemark.sink.jdbc.write.PartitionAdvance;
import io.tidemark.sink.jdbc.write.PartitionClaim;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The exactly-once writer against PostgreSQL, with the interleavings a rebalance makes walked on
 * purpose: a zombie whose batch is in flight while the new owner claims, a retry after a commit
 * whose outcome was unknown.
 */
class PartitionWriterTest {
  private static final PostgresServer POSTGRES = PostgresServer.shared();
  private static final LogPartition P0 = new LogPartition("cdc.shop.orders", 0);
  private static final ChangeDecoder DECODER =
      new ChangeDecoder(InputFormat.CHANGE_STREAM, Map.of());

  private String url;
  private TidemarkConfig config;
  private final List<JdbcChangeSink> sinks = new ArrayList<>();

  @BeforeEach
  void database() {
    url = POSTGRES.newDatabase("writer");
    config =
        new YamlConfigLoader()
            .parseWithoutSource(
                SinkYaml.of(
                    POSTGRES,
                    url,
                    "  schema: shop",
                    "collections:",
                    "  - name: orders",
                    "    onError: deadletter",
                    "    columns:",
                    "      - { field: name }",
                    "  - name: customers",
                    "    onError: deadletter",
                    "    documentColumn: doc",
                    "    columns:",
                    "      - { field: name }",
                    "      - { field: address.city, column: city }"),
                "test.yaml",
                "orders-sink");
  }

  @AfterEach
  void close() {
    sinks.forEach(JdbcChangeSink::close);
  }

  private PartitionWriter writer(String owner, WriteCounters counters) {
    JdbcChangeSink sink = JdbcChangeSink.open(config.sink(), config.pipeline());
    sinks.add(sink);
    return new PartitionWriter(sink, config.collections(), owner, true, counters);
  }

  @Test
  void aZombieMidBatchCommitsBeforeTheNewOwnerSeesTheOffsetsAndIsFencedAfter() throws Exception {
    WriteCounters zombieCounters = new WriteCounters();
    PartitionWriter zombie = writer("task-0", zombieCounters);
    PartitionWriter successor = writer("task-1", new WriteCounters());
    zombie.claim(List.of(P0));
    zombie.write(List.of(upsert(0, "a", "first")));

    try (Connection reader = dataSource().getConnection();
        Statement st = reader.createStatement()) {
      reader.setAutoCommit(false);
      st.executeQuery("SELECT * FROM shop.orders WHERE _id = 'a' FOR UPDATE").close();
      // The zombie's batch is in flight: its partition row is taken, its row write waits.
      CompletableFuture<Void> inFlight =
          CompletableFuture.runAsync(() -> zombie.write(List.of(upsert(1, "a", "zombie's"))));
      Thread.sleep(300);
      // A rebalance gives the partition to the successor, whose claim waits for that batch.
      CompletableFuture<Map<LogPartition, PartitionClaim>> claim =
          CompletableFuture.supplyAsync(() -> successor.claim(List.of(P0)));
      Thread.sleep(300);
      assertThat(inFlight).isNotDone();
      assertThat(claim).isNotDone();

      reader.commit();
      inFlight.get(10, TimeUnit.SECONDS);
      assertThat(claim.get(10, TimeUnit.SECONDS).get(P0).nextOffset())
          .as("the successor resumes after the zombie's committed batch")
          .isEqualTo(2L);
    }

    zombie.write(List.of(upsert(2, "a", "zombie's late batch")));
    successor.write(List.of(upsert(2, "a", "successor's")));

    assertThat(zombieCounters.fenced()).isEqualTo(1);
    assertThat(zombie.committedOffsets()).isEmpty();
    assertThat(query("SELECT name FROM shop.orders WHERE _id = 'a'")).isEqualTo("successor's");
    assertThat(query("SELECT records_applied || '/' || next_offset FROM tidemark.partition_offset"))
        .as("each of the three records applied once")
        .isEqualTo("3/3");
  }

  @Test
  void aRetryAfterACommitOfUnknownOutcomeSkipsWhatWentIn() {
    WriteCounters counters = new WriteCounters();
    PartitionWriter writer = writer("task-0", counters);
    long epoch = writer.claim(List.of(P0)).get(P0).epoch();
    writer.write(List.of(upsert(0, "a", "v0")));
    // Offsets 1 and 2 committed while the writer lost the answer (a cut during COMMIT).
    sinks
        .get(0)
        .applyPartitionBatch(
            sinks
                .get(0)
                .open(config.collections().get(0), io.tidemark.core.spi.ChangeSink.Target.LIVE),
            List.of(),
            List.of(new PartitionAdvance(P0, epoch, 1, 3, 2)),
            false);

    writer.write(List.of(upsert(1, "a", "v1"), upsert(2, "a", "v2"), upsert(3, "a", "v3")));

    assertThat(query("SELECT records_applied || '/' || next_offset FROM tidemark.partition_offset"))
        .isEqualTo("4/4");
    assertThat(query("SELECT name FROM shop.orders WHERE _id = 'a'")).isEqualTo("v3");
    assertThat(writer.committedOffsets()).containsEntry(P0, 4L);
  }

  @Test
  void anUpdateWithoutItsDocumentIsADeadLetterAndTheOffsetMovesOn() {
    PartitionWriter writer = writer("task-0", new WriteCounters());
    writer.claim(List.of(P0));
    String delta =
        "{\"operationType\": \"update\", \"ns\": {\"db\": \"shop\", \"coll\": \"orders\"},"
            + " \"documentKey\": {\"_id\": \"a\"}, \"updateDescription\": {\"updatedFields\":"
            + " {\"name\": \"B\"}, \"removedFields\": []}}";
    writer.write(List.of(record(0, delta)));

    assertThat(query("SELECT reason FROM tidemark.dead_letter"))
        .contains("Record cdc.shop.orders-0@0 of collection 'orders' (_id a) cannot be applied")
        .contains("change.stream.full.document: updateLookup");
    assertThat(writer.committedOffsets()).containsEntry(P0, 1L);
  }

  @Test
  void aDeltaIsAppliedToTheStoredDocumentAndToOneEarlierInTheSameBatch() {
    PartitionWriter writer = writer("task-0", new WriteCounters());
    writer.claim(List.of(P0));
    writer.write(
        List.of(
            customer(
                0,
                "{\"_id\": 7, \"name\": \"Ada\", \"address\": {\"city\": \"London\"},"
                    + " \"tags\": [\"a\", \"b\", \"c\"]}")));

    writer.write(
        List.of(
            customerDelta(
                1,
                7,
                "{\"address.city\": \"Paris\"}",
                "[]",
                "[{\"field\": \"tags\", \"newSize\": 1}]"),
            customerDelta(2, 7, "{\"name\": \"Ada L.\"}", "[\"tags\"]", "[]"),
            customerDelta(3, 8, "{\"name\": \"nobody\"}", "[]", "[]")));

    assertThat(query("SELECT name || '/' || city FROM shop.customers WHERE _id = '7'"))
        .isEqualTo("Ada L./Paris");
    assertThat(query("SELECT doc::text FROM shop.customers WHERE _id = '7'"))
        .isEqualTo("{\"_id\": 7, \"name\": \"Ada L.\", \"address\": {\"city\": \"Paris\"}}");
    assertThat(query("SELECT reason FROM tidemark.dead_letter"))
        .contains("(_id 8) cannot be applied: the update carries only its delta")
        .contains("table customers holds no document 8 to apply it to");
    assertThat(writer.committedOffsets()).containsEntry(P0, 4L);
  }

  @Test
  void aChangeOfACollectionTheConfigurationDoesNotListStopsWithWhatToDo() {
    PartitionWriter writer = writer("task-0", new WriteCounters());
    writer.claim(List.of(P0));
    String insert =
        "{\"operationType\": \"insert\", \"ns\": {\"db\": \"shop\", \"coll\": \"invoices\"},"
            + " \"documentKey\": {\"_id\": 1}, \"fullDocument\": {\"_id\": 1}}";

    assertThatThrownBy(() -> writer.write(List.of(record(0, insert))))
        .isInstanceOf(TidemarkException.class)
        .hasMessage(
            "Record cdc.shop.orders-0@0 is a change of collection 'invoices', which the"
                + " configuration does not list (it lists [customers, orders]). Add the collection to"
                + " collections, or name the topic's collection in topic.collections.");
    assertThat(writer.committedOffsets()).isEmpty();
  }

  private static ReadRecord upsert(long offset, String id, String name) {
    return record(
        offset,
        "{\"operationType\": \"replace\", \"ns\": {\"db\": \"shop\", \"coll\": \"orders\"},"
            + " \"documentKey\": {\"_id\": \""
            + id
            + "\"}, \"fullDocument\": {\"_id\": \""
            + id
            + "\", \"name\": \""
            + name
            + "\"}}");
  }

  private static ReadRecord customer(long offset, String document) {
    return record(
        offset,
        "{\"operationType\": \"insert\", \"ns\": {\"db\": \"shop\", \"coll\": \"customers\"},"
            + " \"documentKey\": {\"_id\": 0}, \"fullDocument\": "
            + document
            + "}");
  }

  private static ReadRecord customerDelta(
      long offset, int id, String updated, String removed, String truncated) {
    return record(
        offset,
        "{\"operationType\": \"update\", \"ns\": {\"db\": \"shop\", \"coll\": \"customers\"},"
            + " \"documentKey\": {\"_id\": "
            + id
            + "}, \"updateDescription\": {\"updatedFields\": "
            + updated
            + ", \"removedFields\": "
            + removed
            + ", \"truncatedArrays\": "
            + truncated
            + "}}");
  }

  private static ReadRecord record(long offset, String json) {
    var change = DECODER.decode(P0.topic(), null, json);
    return new ReadRecord(P0, offset, change.collection(), change, json, null);
  }

  private DataSource dataSource() {
    return POSTGRES.dataSource(url);
  }

  private String query(String sql) {
    try (Connection c = dataSource().getConnection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }
}
