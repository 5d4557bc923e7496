package io.tidemark.sink.jdbc.write;

import static io.tidemark.sink.jdbc.write.TestRows.event;
import static io.tidemark.sink.jdbc.write.TestRows.order;
import static io.tidemark.sink.jdbc.write.TestRows.position;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.spi.ChangeSink.SnapshotState;
import io.tidemark.core.spi.ChangeSink.Target;
import io.tidemark.core.value.Value;
import io.tidemark.sink.jdbc.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Readers of the target tables against the sink's DDL: a reader is not made the victim of the
 * sink's locks, a pending DDL never queues other readers for longer than its lock timeout, and the
 * DDL is done once the reader lets go.
 */
class JdbcChangeSinkLockConflictTest {
  private static final TestDatabase db = TestDatabase.shared();

  /** How long a reader may be held by a waiting DDL: its lock timeout, plus slack for the test. */
  private static final long READER_WAIT_LIMIT_MS = DdlLockPolicy.DEFAULT.lockTimeoutMillis() + 1500;

  private static final TableMapping ORDERS = TestRows.ORDERS_WITH_ITEMS;
  private static final TableMapping EVENTS = TestRows.EVOLVING_EVENTS;

  private final String schema = TestDatabase.freshName("target");
  private final String pipeline = TestDatabase.freshName("locks");
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private JdbcChangeSink sink;

  @AfterEach
  void closeEverything() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
    if (sink != null) {
      sink.close();
    }
  }

  private JdbcChangeSink open() {
    return open(DdlLockPolicy.DEFAULT);
  }

  private JdbcChangeSink open(DdlLockPolicy policy) {
    sink = JdbcChangeSink.open(db.config(schema, TestDatabase.freshName("meta")), pipeline, policy);
    return sink;
  }

  /** A reader in an open transaction, as a report or dashboard holds it. */
  private Connection reader() throws SQLException {
    Connection c = db.dataSource().getConnection();
    toClose.add(c);
    c.setAutoCommit(false);
    return c;
  }

  private static List<String> firstColumn(Connection c, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        values.add(rs.getString(1));
      }
    }
    return values;
  }

  /** Waits until one of the sink's sessions waits for a lock (that is, its DDL is queued). */
  private void awaitSinkWaitingForALock() throws InterruptedException {
    db.awaitSessionWaitingForALock("tidemark " + pipeline);
  }

  /** Applies a row whose new field {@code fresh} makes the sink add a column: an ALTER TABLE. */
  private CompletableFuture<Void> addColumnFreshInTheBackground() {
    return CompletableFuture.runAsync(
        () ->
            OpenTables.on(sink, "events", Target.LIVE)
                .applyBatch(
                    List.of(event("b", "fresh", new Value.Bool(true))), position("p2", 10, 2)));
  }

  @Test
  void aReaderHoldingAChildTableDuringTheSwapIsNotTheVictimAndTheSwapFollowsIt() throws Exception {
    OpenTables.open(open(), ORDERS, Target.LIVE);
    OpenTables.on(sink, "orders", Target.LIVE)
        .applyBatch(List.of(order("old", "stale", 9)), position("p1", 10, 1));
    OpenTables.open(sink, ORDERS, Target.SHADOW);
    OpenTables.on(sink, "orders", Target.SHADOW).beginSnapshot(new ClusterTime(20, 0), 1);
    OpenTables.on(sink, "orders", Target.SHADOW)
        .writeSnapshotChunk(0, List.of(order("a", "fresh", 1)), "\"a\"", true);
    OpenTables.on(sink, "orders", Target.SHADOW)
        .finishSnapshot(position("start20", 20, 0), new ClusterTime(21, 0));
    Connection reader = reader();
    assertThat(firstColumn(reader, "SELECT qty FROM " + schema + ".order_items"))
        .containsExactly("9");

    CompletableFuture<Void> swap =
        CompletableFuture.runAsync(
            () -> OpenTables.on(sink, ORDERS.collection(), Target.SHADOW).swapIn());
    awaitSinkWaitingForALock();
    long start = System.nanoTime();
    // The reader now wants the parent: with the swap holding it and waiting for the child, this
    // is a deadlock unless the swap gives way.
    List<String> statuses = firstColumn(reader, "SELECT status FROM " + schema + ".orders");
    long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    reader.commit();

    assertThat(statuses).as("the reader still sees the old table").containsExactly("stale");
    assertThat(waitedMs).isLessThan(READER_WAIT_LIMIT_MS);
    swap.get(30, TimeUnit.SECONDS);
    assertThat(db.query("SELECT _id, status FROM " + schema + ".orders"))
        .containsExactly(List.of("a", "fresh"));
    assertThat(db.query("SELECT _id, qty::text FROM " + schema + ".order_items"))
        .containsExactly(List.of("a", "1"));
  }

  @Test
  void aPendingAlterDoesNotQueueOtherReadersAndIsDoneOnceTheReaderEnds() throws Exception {
    OpenTables.open(open(), EVENTS, Target.LIVE);
    OpenTables.on(sink, "events", Target.LIVE)
        .applyBatch(List.of(event("a", "kind2", new Value.Text("x"))), position("p1", 10, 1));
    Connection longReader = reader();
    assertThat(firstColumn(longReader, "SELECT _id FROM " + schema + ".events"))
        .containsExactly("a");

    CompletableFuture<Void> batch = addColumnFreshInTheBackground();
    awaitSinkWaitingForALock();
    long start = System.nanoTime();
    List<String> seen;
    try (Connection other = db.dataSource().getConnection();
        Statement st = other.createStatement()) {
      // Bounds the test when the ALTER has no lock timeout and queues this reader behind it.
      st.execute("SET statement_timeout = '10s'");
      seen = firstColumn(other, "SELECT _id FROM " + schema + ".events");
    }
    long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    longReader.commit();

    assertThat(seen).containsExactly("a");
    assertThat(waitedMs).isLessThan(READER_WAIT_LIMIT_MS);
    batch.get(30, TimeUnit.SECONDS);
    assertThat(db.query("SELECT _id, fresh::text FROM " + schema + ".events ORDER BY _id"))
        .containsExactly(java.util.Arrays.asList("a", null), List.of("b", "true"));
  }

  @Test
  void anAlterThatNeverGetsItsLockGivesUpRetriablyNamingTheTableAndTheWait() throws Exception {
    OpenTables.open(open(new DdlLockPolicy(200, 3, 50)), EVENTS, Target.LIVE);
    Connection longReader = reader();
    firstColumn(longReader, "SELECT _id FROM " + schema + ".events");

    CompletableFuture<Void> batch = addColumnFreshInTheBackground();

    assertThatThrownBy(() -> batch.get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            TidemarkException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.SINK_CONFLICT);
              assertThat(e.retriable()).isTrue();
              assertThat(e.databaseCode()).isEqualTo("55P03");
              assertThat(e.getMessage())
                  .contains("\"" + schema + "\".\"events\"")
                  .contains("added column fresh boolean")
                  .contains("gave up after 3 attempts over ")
                  .contains("each waiting at most 200 ms for its locks")
                  .contains("(SQLSTATE 55P03)")
                  .contains("pg_stat_activity");
            });
    longReader.commit();
    assertThat(db.columnTypes(schema, "events")).hasSize(3);
    assertThat(db.query("SELECT _id FROM " + schema + ".events")).isEmpty();
  }

  @Test
  void truncatingTheShadowForANewCopyWaitsBoundedForAReaderOfIt() throws Exception {
    OpenTables.open(open(new DdlLockPolicy(200, 2, 50)), ORDERS, Target.LIVE);
    OpenTables.open(sink, ORDERS, Target.SHADOW);
    Connection reader = reader();
    firstColumn(reader, "SELECT _id FROM " + schema + ".order_items__tidemark_rebuild");

    assertThatThrownBy(
            () ->
                OpenTables.on(sink, "orders", Target.SHADOW)
                    .beginSnapshot(new ClusterTime(20, 0), 1, List.of()))
        .isInstanceOfSatisfying(
            TidemarkException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.SINK_CONFLICT);
              assertThat(e.databaseCode()).isEqualTo("55P03");
            });
    reader.commit();
    OpenTables.on(sink, "orders", Target.SHADOW)
        .beginSnapshot(new ClusterTime(20, 0), 1, List.of());
    assertThat(sink.loadProgress("orders", Target.SHADOW).snapshotState())
        .isEqualTo(SnapshotState.RUNNING);
  }

  @Test
  void aCancelledDdlIsNotRunAgainBehindTheCancellersBack() throws Exception {
    // A long lock timeout, so that the cancel below meets the waiting ALTER.
    OpenTables.open(open(new DdlLockPolicy(60_000, 5, 50)), EVENTS, Target.LIVE);
    Connection longReader = reader();
    firstColumn(longReader, "SELECT _id FROM " + schema + ".events");
    CompletableFuture<Void> batch = addColumnFreshInTheBackground();
    awaitSinkWaitingForALock();

    db.query(
        "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'tidemark "
            + pipeline
            + "' AND wait_event_type = 'Lock'");

    assertThatThrownBy(() -> batch.get(30, TimeUnit.SECONDS))
        .cause()
        .isInstanceOfSatisfying(
            TidemarkException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.SINK_CONFLICT);
              assertThat(e.databaseCode()).isEqualTo("57014");
              assertThat(e.getMessage()).doesNotContain("attempts");
            });
    longReader.commit();
    assertThat(db.columnTypes(schema, "events")).hasSize(3);
  }
}
