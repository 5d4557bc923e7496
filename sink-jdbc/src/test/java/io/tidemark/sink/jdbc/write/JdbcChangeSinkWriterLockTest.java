package io.tidemark.sink.jdbc.write;

import static io.tidemark.sink.jdbc.write.TestRows.column;
import static io.tidemark.sink.jdbc.write.TestRows.mapping;
import static io.tidemark.sink.jdbc.write.TestRows.position;
import static io.tidemark.sink.jdbc.write.TestRows.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.spi.ChangeSink.Target;
import io.tidemark.sink.jdbc.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One writer per pipeline: a second is refused; a displaced one can never commit again. */
class JdbcChangeSinkWriterLockTest {
  private static final TestDatabase db = TestDatabase.shared();
  private static final TableMapping ORDERS = mapping("orders", "orders", column("name", "text"));

  @Test
  void aSecondWriterIsRefusedWithTheHoldersIdentity() {
    String meta = TestDatabase.freshName("meta");
    try (JdbcChangeSink first = new JdbcChangeSink(db.config("public", meta), "p");
        JdbcChangeSink second = new JdbcChangeSink(db.config("public", meta), "p")) {
      first.acquireWriterLock();

      assertThatThrownBy(second::acquireWriterLock)
          .isInstanceOf(TidemarkException.class)
          .hasMessageContaining(
              "Pipeline 'p' is already being written by tidemark " + ProcessHandle.current().pid())
          .hasMessageContaining("stop that process first")
          .extracting(e -> ((TidemarkException) e).code())
          .isEqualTo(ErrorCode.LOCK_HELD);
    }
  }

  @Test
  void theLockFreesItselfWhenTheHolderGoesAway() {
    String meta = TestDatabase.freshName("meta");
    JdbcChangeSink first = new JdbcChangeSink(db.config("public", meta), "p");
    first.acquireWriterLock();
    first.close();
    try (JdbcChangeSink second = new JdbcChangeSink(db.config("public", meta), "p")) {
      second.acquireWriterLock();
      assertThat(db.queryValue("SELECT epoch FROM " + meta + ".writer_lock WHERE pipeline = 'p'"))
          .isEqualTo("2");
    }
  }

  @Test
  void aDisplacedWriterCannotCommitAfterANewOwnerTookOver() {
    String meta = TestDatabase.freshName("meta");
    String schema = TestDatabase.freshName("target");
    try (JdbcChangeSink old = new JdbcChangeSink(db.config(schema, meta), "p");
        JdbcChangeSink fresh = new JdbcChangeSink(db.config(schema, meta), "p")) {
      old.acquireWriterLock();
      old.prepareTable(ORDERS, Target.LIVE);
      old.applyBatch("orders", Target.LIVE, List.of(upsert("a", "1")), position("t1", 1, 0));
      // The old process's session dies (network partition): its lock is gone, a new one starts.
      db.execute(
          "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted");
      awaitNoAdvisoryLock(); // the server signals the backend; it ends (and frees its lock) soon
      // after
      fresh.acquireWriterLock();
      fresh.prepareTable(ORDERS, Target.LIVE);

      assertThatThrownBy(
              () ->
                  old.applyBatch(
                      "orders", Target.LIVE, List.of(upsert("b", "2")), position("t2", 2, 0)))
          .isInstanceOf(TidemarkException.class)
          .hasMessageContaining(
              "another Tidemark process took over the sink (lease epoch 2, this process holds 1)");
      fresh.applyBatch("orders", Target.LIVE, List.of(upsert("c", "3")), position("t3", 3, 0));
      assertThat(db.query("SELECT _id FROM " + schema + ".orders ORDER BY _id"))
          .containsExactly(List.of("a"), List.of("c"));
    }
  }

  private void awaitNoAdvisoryLock() {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
    while (!"0"
        .equals(
            db.queryValue(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the terminated session still holds its advisory lock after 10 s");
      }
      Thread.onSpinWait();
    }
  }
}
