package io.tidemark.sink.jdbc.write;

import static io.tidemark.sink.jdbc.write.TestRows.ORDERS_WITH_ITEMS;
import static io.tidemark.sink.jdbc.write.TestRows.column;
import static io.tidemark.sink.jdbc.write.TestRows.delete;
import static io.tidemark.sink.jdbc.write.TestRows.mapping;
import static io.tidemark.sink.jdbc.write.TestRows.order;
import static io.tidemark.sink.jdbc.write.TestRows.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.core.spi.ChangeSink.Target;
import io.tidemark.core.spi.TableSink;
import io.tidemark.sink.jdbc.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Kafka Connect sink's writes: rows and partition offsets in one fenced transaction. */
class JdbcChangeSinkPartitionTest {

  private static final TestDatabase db = TestDatabase.shared();
  private static final LogPartition P0 = new LogPartition("mongo.shop.orders", 0);
  private static final LogPartition P1 = new LogPartition("mongo.shop.orders", 1);

  private String schema;
  private String metadataSchema;
  private JdbcChangeSink sink;
  private TableSink orders;

  @BeforeEach
  void openSink() {
    schema = TestDatabase.freshName("target");
    metadataSchema = TestDatabase.freshName("meta");
    sink = JdbcChangeSink.open(db.config(schema, metadataSchema), "connect-orders");
    orders =
        OpenTables.open(sink, mapping("orders", "orders", column("name", "text")), Target.LIVE);
  }

  @AfterEach
  void closeSink() {
    sink.close();
  }

  @Test
  void eachClaimGivesANewEpochAndANewPartitionHasNoOffset() {
    List<PartitionClaim> first = sink.claimPartitions(List.of(P1, P0), "task-0");
    assertThat(first)
        .containsExactly(
            new PartitionClaim(P0, 1, null, 0, "task-0"),
            new PartitionClaim(P1, 1, null, 0, "task-0"));

    List<PartitionClaim> second = sink.claimPartitions(List.of(P0), "task-1");
    assertThat(second).containsExactly(new PartitionClaim(P0, 2, null, 0, "task-1"));
  }

  @Test
  void rowsAndOffsetsCommitTogetherAndTheRecordsAreCounted() {
    long epoch = sink.claimPartitions(List.of(P0, P1), "task-0").get(0).epoch();

    boolean bulk =
        sink.applyPartitionBatch(
            orders,
            List.of(upsert("a", "Ann"), upsert("b", "Bob")),
            List.of(
                new PartitionAdvance(P0, epoch, 0, 3, 3), new PartitionAdvance(P1, epoch, 0, 1, 1)),
            false);

    assertThat(bulk).isFalse();
    assertThat(rows()).containsExactly(List.of("a", "Ann"), List.of("b", "Bob"));
    assertThat(sink.partitionOffsets())
        .containsExactly(
            new PartitionClaim(P0, epoch, 3L, 3, "task-0"),
            new PartitionClaim(P1, epoch, 1L, 1, "task-0"));
  }

  @Test
  void aWriterWhosePartitionWasClaimedSinceCommitsNothing() {
    long zombie = sink.claimPartitions(List.of(P0), "task-0").get(0).epoch();
    sink.applyPartitionBatch(
        orders,
        List.of(upsert("a", "Ann")),
        List.of(new PartitionAdvance(P0, zombie, 0, 1, 1)),
        false);
    sink.claimPartitions(List.of(P0), "task-1"); // a rebalance gives P0 to task-1

    assertThatThrownBy(
            () ->
                sink.applyPartitionBatch(
                    orders,
                    List.of(upsert("a", "changed by the zombie"), upsert("z", "Zed")),
                    List.of(new PartitionAdvance(P0, zombie, 1, 3, 2)),
                    false))
        .isInstanceOfSatisfying(
            PartitionConflictException.class,
            e -> {
              assertThat(e.stored())
                  .containsExactly(new PartitionClaim(P0, zombie + 1, 1L, 1, "task-1"));
              assertThat(e.getMessage())
                  .contains(
                      "partition mongo.shop.orders-0 was claimed by task-1 with epoch 2 while this"
                          + " writer holds epoch 1 (a rebalance moved it)");
            });
    assertThat(rows()).containsExactly(List.of("a", "Ann"));
  }

  @Test
  void recordsBelowTheCommittedOffsetAreRefusedNotAppliedTwice() {
    long epoch = sink.claimPartitions(List.of(P0), "task-0").get(0).epoch();
    sink.applyPartitionBatch(
        orders,
        List.of(upsert("a", "Ann")),
        List.of(new PartitionAdvance(P0, epoch, 0, 10, 10)),
        false);

    // A retry after a commit whose outcome was unknown: offsets 5.. are already in.
    assertThatThrownBy(
            () ->
                sink.applyPartitionBatch(
                    orders,
                    List.of(delete("a")),
                    List.of(new PartitionAdvance(P0, epoch, 5, 12, 7)),
                    false))
        .isInstanceOfSatisfying(
            PartitionConflictException.class,
            e ->
                assertThat(e.getMessage())
                    .contains(
                        "partition mongo.shop.orders-0 is committed up to offset 10, past this"
                            + " batch's first offset 5"));
    assertThat(rows()).containsExactly(List.of("a", "Ann"));
    assertThat(sink.partitionOffsets().get(0).recordsApplied()).isEqualTo(10);
  }

  @Test
  void aClaimWaitsForTheBatchThatHoldsThePartitionAndSeesItsOffset() throws Exception {
    long epoch = sink.claimPartitions(List.of(P0), "task-0").get(0).epoch();
    try (Connection batch = db.dataSource().getConnection();
        Statement st = batch.createStatement()) {
      batch.setAutoCommit(false);
      // What a batch's transaction does first: it holds the partition's row until it ends.
      st.executeUpdate(
          "UPDATE "
              + metadataSchema
              + ".partition_offset SET next_offset = 42 WHERE topic = '"
              + P0.topic()
              + "' AND kafka_partition = 0 AND epoch = "
              + epoch);
      CompletableFuture<List<PartitionClaim>> claim =
          CompletableFuture.supplyAsync(() -> sink.claimPartitions(List.of(P0), "task-1"));
      Thread.sleep(300);
      assertThat(claim).isNotDone();

      batch.commit();
      assertThat(claim.get(10, TimeUnit.SECONDS))
          .containsExactly(new PartitionClaim(P0, epoch + 1, 42L, 0, "task-1"));
    }
  }

  @Test
  void newKeysGoInByBulkLoadAndAKeyAlreadyThereFallsBackToUpsert() {
    sink.close();
    schema = TestDatabase.freshName("target");
    sink = JdbcChangeSink.open(db.config(schema, metadataSchema), "connect-orders");
    TableSink withItems = OpenTables.open(sink, ORDERS_WITH_ITEMS, Target.LIVE);
    long epoch = sink.claimPartitions(List.of(P0), "task-0").get(0).epoch();

    boolean firstBulk =
        sink.applyPartitionBatch(
            withItems,
            List.of(order("o1", "new", 1, 2), order("o2", "new", 3)),
            List.of(new PartitionAdvance(P0, epoch, 0, 2, 2)),
            true);
    // o1 is there already (a connector that took its snapshot again): upserts replace it.
    boolean secondBulk =
        sink.applyPartitionBatch(
            withItems,
            List.of(order("o1", "again", 7), order("o3", "new", 4)),
            List.of(new PartitionAdvance(P0, epoch, 2, 4, 2)),
            true);

    assertThat(firstBulk).isTrue();
    assertThat(secondBulk).isFalse();
    assertThat(db.query("SELECT _id, status FROM " + schema + ".orders ORDER BY _id"))
        .containsExactly(List.of("o1", "again"), List.of("o2", "new"), List.of("o3", "new"));
    assertThat(
            db.query(
                "SELECT _id, items_index, qty FROM "
                    + schema
                    + ".order_items ORDER BY _id, items_index"))
        .containsExactly(List.of("o1", "0", "7"), List.of("o2", "0", "3"), List.of("o3", "0", "4"));
    assertThat(sink.partitionOffsets().get(0).nextOffset()).isEqualTo(4L);
  }

  private List<List<String>> rows() {
    return db.query("SELECT _id, name FROM " + schema + ".orders ORDER BY _id");
  }
}
