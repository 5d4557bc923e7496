package io.tidemark.sink.jdbc.write;

import static io.tidemark.sink.jdbc.write.TestRows.column;
import static io.tidemark.sink.jdbc.write.TestRows.mapping;
import static io.tidemark.sink.jdbc.write.TestRows.position;
import static io.tidemark.sink.jdbc.write.TestRows.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.core.config.SinkConfig;
import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.spi.ChangeSink.Target;
import io.tidemark.core.spi.RowChange;
import io.tidemark.harness.net.TcpProxy;
import io.tidemark.sink.jdbc.TestDatabase;
import io.tidemark.sink.jdbc.dialect.postgres.PostgresDialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sink against a network that vanishes without a reset (a cut link, a NAT or firewall that
 * dropped the connection's state, a failover to another host): a write must fail within the
 * configured socket timeout, retriably and saying so, never block its collection forever.
 */
class JdbcChangeSinkNetworkTest {
  private static final TestDatabase db = TestDatabase.shared();

  private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(2);

  /** Past the socket timeout: the driver closing the connection, on a loaded machine. */
  private static final Duration SLACK = Duration.ofSeconds(8);

  private static final TableMapping ORDERS =
      mapping("orders", "orders", column("name", "text"), column("total", "numeric(12,2)"));

  private final String schema = TestDatabase.freshName("target");
  private final String metadataSchema = TestDatabase.freshName("meta");
  private final String pipeline = TestDatabase.freshName("net");
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private TcpProxy proxy;

  @BeforeEach
  void startProxy() {
    proxy = TcpProxy.startWithSmallWindow(db.host(), db.port());
  }

  @AfterEach
  void closeEverything() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    proxy.close();
  }

  private SinkConfig config(String urlParameters, Duration socketTimeout) {
    return new SinkConfig(
        "jdbc:postgresql://127.0.0.1:"
            + proxy.port()
            + "/postgres"
            + (urlParameters.isEmpty() ? "" : "?" + urlParameters),
        db.username(),
        db.password(),
        schema,
        metadataSchema,
        2,
        socketTimeout);
  }

  private JdbcChangeSink open(Duration socketTimeout) {
    JdbcChangeSink sink = JdbcChangeSink.open(config("", socketTimeout), pipeline);
    toClose.add(sink);
    return sink;
  }

  /** A session of its own, in an open transaction, as another application would hold one. */
  private Connection otherSession() throws SQLException {
    Connection c = db.dataSource().getConnection();
    toClose.add(c);
    c.setAutoCommit(false);
    return c;
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  /** Applies {@code a = second} at p2 on another thread. */
  private static CompletableFuture<Void> applySecondInTheBackground(JdbcChangeSink sink) {
    return CompletableFuture.runAsync(
        () ->
            OpenTables.on(sink, "orders", Target.LIVE)
                .applyBatch(List.of(upsert("a", "second", "2.00")), position("p2", 10, 2)));
  }

  /**
   * Once the sink's call waits on {@code holder}'s lock, black-holes the sink's connections and
   * lets the holder go; returns the call's failure, which must come within the socket timeout and
   * some slack.
   */
  private Throwable vanishThenRelease(Connection holder, CompletableFuture<?> call)
      throws Exception {
    db.awaitSessionWaitingForALock("tidemark " + pipeline);
    assertThat(proxy.blackHoleOpenConnections()).isPositive();
    holder.rollback();
    return failureWithinTheSocketTimeout(call);
  }

  /** The failure of a call whose network vanished, which must come within the socket timeout. */
  private static Throwable failureWithinTheSocketTimeout(CompletableFuture<?> call)
      throws InterruptedException {
    Duration limit = SOCKET_TIMEOUT.plus(SLACK);
    try {
      call.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (TimeoutException e) {
      throw new AssertionError(
          "the sink call was still blocked " + limit.toSeconds() + " s after its network vanished");
    }
    throw new AssertionError("the sink call succeeded through a network that had vanished");
  }

  @Test
  void aStreamBatchWhoseNetworkVanishesMidTransactionFailsWithinTheSocketTimeout()
      throws Exception {
    JdbcChangeSink sink = open(SOCKET_TIMEOUT);
    OpenTables.open(sink, ORDERS, Target.LIVE);
    OpenTables.on(sink, "orders", Target.LIVE)
        .applyBatch(List.of(upsert("a", "first", "1.00")), position("p1", 10, 1));
    // Another session holds the checkpoint row: the next batch waits in the middle of its
    // transaction, its rows written and its checkpoint not yet.
    Connection holder = otherSession();
    execute(
        holder,
        "SELECT * FROM " + metadataSchema + ".checkpoint WHERE collection = 'orders' FOR UPDATE");
    CompletableFuture<Void> batch = applySecondInTheBackground(sink);
    // The database then finishes the batch's statement; its reply is lost.
    Throwable failure = vanishThenRelease(holder, batch);

    assertThat(failure)
        .isInstanceOfSatisfying(
            TidemarkException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.SINK_UNAVAILABLE);
              assertThat(e.retriable()).isTrue();
              assertThat(e.databaseCode()).isEqualTo("08006");
              assertThat(e.getMessage())
                  .startsWith(
                      "Could not apply 1 changes (1 upserts, 0 deletes, 0 dead letters) to table \""
                          + schema
                          + "\".\"orders\" for collection 'orders' up to source time")
                  .contains(
                      "in pipeline '"
                          + pipeline
                          + "': no reply came from the database for 2 s (sink.socketTimeout), ")
                  .containsPattern(" [0-9]+ ms into the transaction \\(")
                  .contains("SQLSTATE 08006). The network to the database may have failed")
                  .contains("or a statement waited that long for another session's lock")
                  .endsWith(
                      "if the database is reachable and its statements legitimately take longer,"
                          + " raise sink.socketTimeout.")
                  .doesNotContain("\n");
            });
    assertThat(db.query("SELECT name FROM " + schema + ".orders"))
        .containsExactly(List.of("first"));
    // The next call opens a fresh connection and finds the batch before as the last committed.
    assertThat(sink.loadProgress("orders", Target.LIVE).position()).hasValue(position("p1", 10, 1));
  }

  @Test
  void aSnapshotChunkWhoseNetworkVanishesWhileItIsSentFailsWithinTheSocketTimeout()
      throws Exception {
    JdbcChangeSink sink = open(SOCKET_TIMEOUT);
    OpenTables.open(sink, ORDERS, Target.LIVE);
    OpenTables.on(sink, "orders", Target.LIVE).beginSnapshot(new ClusterTime(10, 0), COPIED_ROWS);
    // Another session's uncommitted row with a key of the chunk holds the COPY on its 100th row,
    // so the sink is still sending when the network vanishes: far more than the sockets buffer.
    Connection holder = otherSession();
    execute(holder, "INSERT INTO " + schema + ".orders (_id) VALUES ('" + copiedKey(100) + "')");
    CompletableFuture<Void> chunk =
        CompletableFuture.runAsync(
            () ->
                OpenTables.on(sink, "orders", Target.LIVE)
                    .writeSnapshotChunk(0, copiedRows(), copiedKey(COPIED_ROWS - 1), true));
    // The database then reads on, and waits for data that never comes.
    Throwable failure = vanishThenRelease(holder, chunk);

    assertThat(failure)
        .isInstanceOfSatisfying(
            TidemarkException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.SINK_UNAVAILABLE);
              assertThat(e.databaseCode()).isEqualTo("08006");
              assertThat(e.getMessage())
                  .startsWith(
                      "Could not copy a snapshot chunk of range 0, " + COPIED_ROWS + " rows")
                  .contains(
                      "in pipeline '"
                          + pipeline
                          + "': the database accepted no data for 2 s (sink.socketTimeout), ")
                  .contains("raise sink.socketTimeout.");
            });
    assertThat(sink.loadProgress("orders", Target.LIVE).snapshotRowsCopied()).isZero();
  }

  /**
   * Rows of the chunk in {@link
   * #aSnapshotChunkWhoseNetworkVanishesWhileItIsSentFailsWithinTheSocketTimeout}.
   */
  private static final int COPIED_ROWS = 16_000;

  private static String copiedKey(int i) {
    return String.format("k%05d", i);
  }

  /** About 32 MB of rows. */
  private static List<RowChange> copiedRows() {
    String name = "n".repeat(2_000);
    List<RowChange> rows = new ArrayList<>(COPIED_ROWS);
    for (int i = 0; i < COPIED_ROWS; i++) {
      rows.add(upsert(copiedKey(i), name, i + ".50"));
    }
    return rows;
  }

  @Test
  void aTransactionAbandonedWhileCommittingIsSettledBeforeTheProgressIsReadAgain()
      throws Exception {
    JdbcChangeSink sink = open(SOCKET_TIMEOUT);
    OpenTables.open(sink, ORDERS, Target.LIVE);
    OpenTables.on(sink, "orders", Target.LIVE)
        .applyBatch(List.of(upsert("a", "first", "1.00")), position("p1", 10, 1));
    // A deferred trigger holds every commit on the table until the holder lets go, so the sink's
    // COMMIT is sent and running when the network vanishes.
    long lockKey = TestDatabase.freshName("").hashCode();
    db.execute(
        "CREATE FUNCTION "
            + schema
            + ".hold_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM"
            + " pg_advisory_xact_lock("
            + lockKey
            + "); RETURN NULL; END $$");
    db.execute(
        "CREATE CONSTRAINT TRIGGER hold_commit AFTER INSERT OR UPDATE ON "
            + schema
            + ".orders DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE PROCEDURE "
            + schema
            + ".hold_commit()");
    Connection holder = otherSession();
    execute(holder, "SELECT pg_advisory_xact_lock(" + lockKey + ")");
    CompletableFuture<Void> batch = applySecondInTheBackground(sink);
    int committing = db.awaitSessionWaitingForALock("tidemark " + pipeline);
    proxy.blackHoleOpenConnections();
    assertThat(failureWithinTheSocketTimeout(batch))
        .isInstanceOfSatisfying(
            TidemarkException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.SINK_UNAVAILABLE));

    // The collection's retry reads the committed progress; its COMMIT may not land after that.
    assertThat(sink.loadProgress("orders", Target.LIVE).position()).hasValue(position("p1", 10, 1));
    assertThat(sessionOpen(committing)).as("the abandoned session is still open").isFalse();
    holder.rollback(); // would let the abandoned COMMIT finish, had its session survived
    awaitNotCommitting(committing);
    assertThat(db.query("SELECT name FROM " + schema + ".orders"))
        .containsExactly(List.of("first"));

    // The retry streams from p1 again: its batch and its position stay together.
    OpenTables.on(sink, "orders", Target.LIVE)
        .applyBatch(List.of(upsert("a", "between", "1.50")), position("p15", 10, 1));
    assertThat(sink.loadProgress("orders", Target.LIVE).position())
        .hasValue(position("p15", 10, 1));
    assertThat(db.query("SELECT name FROM " + schema + ".orders"))
        .containsExactly(List.of("between"));
  }

  private boolean sessionOpen(int pid) {
    return !db.query("SELECT 1 FROM pg_stat_activity WHERE pid = " + pid).isEmpty();
  }

  /** Waits until a session has ended or no longer waits to commit. */
  private void awaitNotCommitting(int pid) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (db.query("SELECT 1 FROM pg_stat_activity WHERE pid = " + pid + " AND state = 'active'")
          .isEmpty()) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("session " + pid + " still waits to commit");
  }

  @Test
  void theSocketTimeoutComesFromTheConfigurationUnlessTheUrlSetsOne() throws Exception {
    PostgresDialect dialect = new PostgresDialect();
    SinkErrors errors = new SinkErrors(dialect, pipeline, SocketTimeout.OF_CALLERS_DATA_SOURCE);
    SinkConfig configured = config("", Duration.ofSeconds(90));
    SinkConfig inUrl = config("socketTimeout=7&tcpKeepAlive=false", Duration.ofSeconds(90));

    assertThat(networkTimeoutMillis(SinkPool.open(configured, pipeline, dialect, errors)))
        .isEqualTo(90_000);
    assertThat(networkTimeoutMillis(SinkPool.open(inUrl, pipeline, dialect, errors)))
        .isEqualTo(7_000);
    assertThat(SocketTimeout.of(configured, dialect).describe())
        .isEqualTo("90 s (sink.socketTimeout)");
    assertThat(SocketTimeout.of(inUrl, dialect).describe())
        .isEqualTo("7 s (socketTimeout in sink.jdbcUrl)");
    assertThat(dialect.connectionProperties("app", 3, 90))
        .containsEntry("socketTimeout", "90")
        .containsEntry("tcpKeepAlive", "true");
  }

  /** The network timeout of a connection of a freshly opened pool, which is then closed. */
  private int networkTimeoutMillis(DataSource pool) throws Exception {
    try (AutoCloseable closing = (AutoCloseable) pool;
        Connection c = pool.getConnection()) {
      return c.getNetworkTimeout();
    }
  }
}
