package io.tidemark.sink.jdbc.write;

import static io.tidemark.sink.jdbc.write.TestRows.column;
import static io.tidemark.sink.jdbc.write.TestRows.mapping;
import static io.tidemark.sink.jdbc.write.TestRows.position;
import static io.tidemark.sink.jdbc.write.TestRows.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.spi.ChangeSink.Target;
import io.tidemark.sink.jdbc.TestDatabase;
import io.tidemark.sink.jdbc.dialect.postgres.PostgresDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * One writer per pipeline: a second is refused before it changes anything; a displaced one can
 * never commit again; one that lost its lock stops writing until it holds it again.
 */
class JdbcChangeSinkWriterLockTest {
  private static final TestDatabase db = TestDatabase.shared();
  private static final TableMapping ORDERS = mapping("orders", "orders", column("name", "text"));

  /** Checks every 50 ms, so that the tests see a lost lock at once. */
  private static final WriterLockPolicy QUICK = new WriterLockPolicy(50, 5);

  @Test
  void aSecondWriterIsRefusedWithTheHoldersIdentity() {
    String meta = TestDatabase.freshName("meta");
    try (JdbcChangeSink first = JdbcChangeSink.openWriter(db.config("public", meta), "p")) {
      assertThatThrownBy(() -> JdbcChangeSink.openWriter(db.config("public", meta), "p"))
          .isInstanceOf(TidemarkException.class)
          .hasMessageContaining(
              "Pipeline 'p' is already being written by tidemark " + ProcessHandle.current().pid())
          .hasMessageContaining("the lock is held by database session ")
          .hasMessageContaining("(application 'tidemark p writer lock'")
          .hasMessageContaining("stop that process first")
          .extracting(e -> ((TidemarkException) e).code())
          .isEqualTo(ErrorCode.LOCK_HELD);
    }
  }

  @Test
  void aRefusedWriterMigratesAndCreatesNothing() throws Exception {
    String meta = TestDatabase.freshName("meta");
    try (Connection holder = db.dataSource().getConnection();
        Statement st = holder.createStatement()) {
      st.execute("SELECT pg_advisory_lock(hashtextextended('tidemark:" + meta + ":p', 0))");

      assertThatThrownBy(() -> JdbcChangeSink.openWriter(db.config("public", meta), "p"))
          .isInstanceOfSatisfying(
              TidemarkException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.LOCK_HELD);
                assertThat(e.getMessage())
                    .contains("is already being written by another process")
                    .contains("This process changed nothing in the database.");
              });
      // No schema, so neither Flyway's history nor any other table: nothing ran.
      assertThat(db.queryValue("SELECT to_regnamespace('" + meta + "') IS NULL")).isEqualTo("t");
    }
  }

  @Test
  void theLockFreesItselfWhenTheHolderGoesAway() {
    String meta = TestDatabase.freshName("meta");
    JdbcChangeSink first = JdbcChangeSink.openWriter(db.config("public", meta), "p");
    first.close();
    try (JdbcChangeSink second = JdbcChangeSink.openWriter(db.config("public", meta), "p")) {
      assertThat(db.queryValue("SELECT epoch FROM " + meta + ".writer_lock WHERE pipeline = 'p'"))
          .isEqualTo("2");
    }
  }

  @Test
  void aDisplacedWriterCannotCommitAfterANewOwnerTookOver() {
    String meta = TestDatabase.freshName("meta");
    String schema = TestDatabase.freshName("target");
    try (JdbcChangeSink old = JdbcChangeSink.openWriter(db.config(schema, meta), "p")) {
      OpenTables.open(old, ORDERS, Target.LIVE);
      OpenTables.on(old, "orders", Target.LIVE)
          .applyBatch(List.of(upsert("a", "1")), position("t1", 1, 0));
      // The old process's session dies (network partition): its lock is gone, a new one starts.
      terminateLockSession(meta, "p");
      try (JdbcChangeSink fresh = openWhenFree(meta, schema)) {
        OpenTables.open(fresh, ORDERS, Target.LIVE);

        assertThatThrownBy(
                () ->
                    OpenTables.on(old, "orders", Target.LIVE)
                        .applyBatch(List.of(upsert("b", "2")), position("t2", 2, 0)))
            .isInstanceOf(TidemarkException.class)
            .hasMessageContaining(
                "another Tidemark process took over the sink (lease epoch 2, this process holds"
                    + " 1)");
        OpenTables.on(fresh, "orders", Target.LIVE)
            .applyBatch(List.of(upsert("c", "3")), position("t3", 3, 0));
        assertThat(db.query("SELECT _id FROM " + schema + ".orders ORDER BY _id"))
            .containsExactly(List.of("a"), List.of("c"));
      }
    }
  }

  @Test
  void aWriterThatLostItsLockStopsWritingUntilItHoldsItAgain() throws Exception {
    String meta = TestDatabase.freshName("meta");
    String schema = TestDatabase.freshName("target");
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    Logger lockLog = (Logger) LoggerFactory.getLogger(WriterLock.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.list = new CopyOnWriteArrayList<>(); // appended to by the watchdog's thread
    logged.start();
    lockLog.addAppender(logged);
    try (JdbcChangeSink sink = JdbcChangeSink.openWriter(db.config(schema, meta), "p", QUICK);
        Connection intruder = db.dataSource().getConnection();
        Statement st = intruder.createStatement()) {
      sink.bindMetrics(metrics);
      OpenTables.open(sink, ORDERS, Target.LIVE);
      OpenTables.on(sink, "orders", Target.LIVE)
          .applyBatch(List.of(upsert("a", "1")), position("t1", 1, 0));
      assertThat(held(metrics)).isEqualTo(1);

      // The intruder queues for the lock before the sink's session ends, so that PostgreSQL
      // grants it the lock as that session goes; asked afterwards, it could lose the lock to the
      // sink's watchdog taking it back, and wait forever.
      st.execute("SET application_name = 'intruder " + meta + "'");
      CompletableFuture<Boolean> intruderLocks =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return st.execute(
                      "SELECT pg_advisory_lock(hashtextextended('tidemark:" + meta + ":p', 0))");
                } catch (SQLException e) {
                  throw new IllegalStateException(e);
                }
              });
      db.awaitSessionWaitingForALock("intruder " + meta);
      terminateLockSession(meta, "p");
      intruderLocks.get(20, TimeUnit.SECONDS);
      await("the sink sees its lock lost", () -> held(metrics) == 0);

      assertThat(metrics.get(JdbcChangeSink.WRITER_LOCK_LOST).functionCounter().count())
          .isEqualTo(1);
      // A lost connection is a network fault the watchdog repairs on its own: WARN, not ERROR
      // (the campaign's log check failed on the ERROR after every PostgreSQL cut). Another
      // process holding the lock then needs an operator: ERROR.
      await(
          "the sink says it lost its lock",
          () -> levelOf(logged, "lost the writer lock (its connection failed") != null);
      assertThat(levelOf(logged, "lost the writer lock (its connection failed"))
          .isEqualTo(Level.WARN);
      await(
          "the sink says who holds its lock",
          () -> levelOf(logged, "cannot take the writer lock back: it is held by") != null);
      assertThat(levelOf(logged, "cannot take the writer lock back: it is held by"))
          .isEqualTo(Level.ERROR);
      assertThatThrownBy(
              () ->
                  OpenTables.on(sink, "orders", Target.LIVE)
                      .applyBatch(List.of(upsert("b", "2")), position("t2", 2, 0)))
          .isInstanceOfSatisfying(
              TidemarkException.class,
              e -> {
                assertThat(e.retriable()).isTrue();
                assertThat(e.getMessage())
                    .startsWith("Pipeline 'p': this process lost its writer lock at ")
                    .contains("so it writes nothing until it holds the lock again");
              });
      assertThat(db.query("SELECT _id FROM " + schema + ".orders")).containsExactly(List.of("a"));

      st.execute("SELECT pg_advisory_unlock_all()");
      await("the sink takes its lock back", () -> held(metrics) == 1);

      OpenTables.on(sink, "orders", Target.LIVE)
          .applyBatch(List.of(upsert("c", "3")), position("t3", 3, 0));
      assertThat(db.query("SELECT _id FROM " + schema + ".orders ORDER BY _id"))
          .containsExactly(List.of("a"), List.of("c"));
      assertThat(db.queryValue("SELECT epoch FROM " + meta + ".writer_lock WHERE pipeline = 'p'"))
          .isEqualTo("2");
      assertThat(metrics.get(JdbcChangeSink.WRITER_LOCK_LOST).functionCounter().count())
          .isEqualTo(1);
    } finally {
      lockLog.detachAppender(logged);
    }
  }

  /**
   * The watchdog has committed the new epoch of a lock it took back but not yet started using it: a
   * transaction in between saw "another process took over ... that is this process" (LOCK_HELD, not
   * retriable) and its collection FAILED (short campaign, seed 2, after a PostgreSQL cut).
   */
  @Test
  void aTransactionWhileTheLockIsBeingTakenBackIsRetriedNotATakeover() throws Exception {
    String meta = TestDatabase.freshName("meta");
    String schema = TestDatabase.freshName("target");
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    CountDownLatch claimed = new CountDownLatch(1);
    CountDownLatch goOn = new CountDownLatch(1);
    WriterLockPolicy paused =
        new WriterLockPolicy(
            50,
            5,
            () -> {
              claimed.countDown();
              try {
                goOn.await(20, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    try (JdbcChangeSink sink = JdbcChangeSink.openWriter(db.config(schema, meta), "p", paused)) {
      sink.bindMetrics(metrics);
      OpenTables.open(sink, ORDERS, Target.LIVE);
      OpenTables.on(sink, "orders", Target.LIVE)
          .applyBatch(List.of(upsert("a", "1")), position("t1", 1, 0));

      terminateLockSession(meta, "p");
      assertThat(claimed.await(20, TimeUnit.SECONDS)).as("the watchdog takes it back").isTrue();
      try {
        assertThatThrownBy(
                () ->
                    OpenTables.on(sink, "orders", Target.LIVE)
                        .applyBatch(List.of(upsert("b", "2")), position("t2", 2, 0)))
            .isInstanceOfSatisfying(
                TidemarkException.class,
                e -> {
                  assertThat(e.code()).isEqualTo(ErrorCode.SINK_UNAVAILABLE);
                  assertThat(e.retriable()).isTrue();
                });
      } finally {
        goOn.countDown();
      }
      await("the sink holds its lock again", () -> held(metrics) == 1);
      OpenTables.on(sink, "orders", Target.LIVE)
          .applyBatch(List.of(upsert("b", "2")), position("t2", 2, 0));
      assertThat(db.query("SELECT _id FROM " + schema + ".orders ORDER BY _id"))
          .containsExactly(List.of("a"), List.of("b"));
    }
  }

  /** The level of the first event whose message starts with {@code prefix}, or null. */
  private static Level levelOf(ListAppender<ILoggingEvent> logged, String prefix) {
    return logged.list.stream()
        .filter(e -> e.getFormattedMessage().startsWith(prefix))
        .map(ILoggingEvent::getLevel)
        .findFirst()
        .orElse(null);
  }

  @Test
  void theLockQueriesFindTheLockOfEachKeyWhateverTheSignOfItsHash() throws Exception {
    PostgresDialect dialect = new PostgresDialect();
    assertThat(
            db.queryValue(
                "SELECT bool_or(h < 0) AND bool_or(h >= 0) FROM (SELECT hashtextextended(k, 0) h"
                    + " FROM unnest(ARRAY['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']) k) hashes"))
        .as("the keys cover both signs")
        .isEqualTo("t");
    try (Connection owner = db.dataSource().getConnection();
        Connection other = db.dataSource().getConnection()) {
      for (String key : List.of("a", "b", "c", "d", "e", "f", "g", "h")) {
        try (Statement st = owner.createStatement()) {
          st.execute("SELECT pg_advisory_lock(hashtextextended('" + key + "', 0))");
        }
        assertThat(queryKey(owner, dialect.metadataSql().selectAdvisoryLockHeld(), key))
            .as(key)
            .isEqualTo("t");
        assertThat(queryKey(other, dialect.metadataSql().selectAdvisoryLockHeld(), key))
            .as(key)
            .isEqualTo("f");
        assertThat(queryKey(other, dialect.metadataSql().selectAdvisoryLockHolder(), key))
            .as(key)
            .isEqualTo(queryKey(owner, "SELECT pg_backend_pid()::text WHERE ? IS NOT NULL", key));
        try (Statement st = owner.createStatement()) {
          st.execute("SELECT pg_advisory_unlock_all()");
        }
        assertThat(queryKey(other, dialect.metadataSql().selectAdvisoryLockHolder(), key))
            .as(key)
            .isNull();
      }
    }
  }

  private static String queryKey(Connection c, String sql, String key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static double held(SimpleMeterRegistry metrics) {
    return metrics.get(JdbcChangeSink.WRITER_LOCK_HELD).gauge().value();
  }

  private static void terminateLockSession(String meta, String pipeline) {
    db.execute(
        "SELECT pg_terminate_backend(l.pid) FROM pg_locks l WHERE l.locktype = 'advisory'"
            + " AND l.granted AND ((l.classid::bigint << 32) | l.objid::bigint)"
            + " = hashtextextended('tidemark:"
            + meta
            + ":"
            + pipeline
            + "', 0)");
  }

  /** Opens a second writer once the terminated session (and with it the lock) is gone. */
  private static JdbcChangeSink openWhenFree(String meta, String schema) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      try {
        return JdbcChangeSink.openWriter(db.config(schema, meta), "p");
      } catch (TidemarkException e) {
        if (e.code() != ErrorCode.LOCK_HELD || System.nanoTime() > deadline) {
          throw e;
        }
      }
    }
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("waited 10 s for: " + what);
      }
      Thread.sleep(10);
    }
  }
}
