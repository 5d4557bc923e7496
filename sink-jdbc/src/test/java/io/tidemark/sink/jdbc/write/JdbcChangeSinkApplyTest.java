package io.tidemark.sink.jdbc.write;

import static io.tidemark.sink.jdbc.write.TestRows.column;
import static io.tidemark.sink.jdbc.write.TestRows.deadLetter;
import static io.tidemark.sink.jdbc.write.TestRows.delete;
import static io.tidemark.sink.jdbc.write.TestRows.manyUpserts;
import static io.tidemark.sink.jdbc.write.TestRows.mapping;
import static io.tidemark.sink.jdbc.write.TestRows.position;
import static io.tidemark.sink.jdbc.write.TestRows.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.spi.ChangeSink.SnapshotState;
import io.tidemark.core.spi.ChangeSink.Target;
import io.tidemark.core.spi.RowChange;
import io.tidemark.sink.jdbc.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JdbcChangeSinkApplyTest {

  private static final TestDatabase db = TestDatabase.shared();

  private String schema;
  private String metadataSchema;
  private JdbcChangeSink sink;

  @BeforeEach
  void openSink() {
    schema = TestDatabase.freshName("target");
    metadataSchema = TestDatabase.freshName("meta");
    sink = JdbcChangeSink.open(db.config(schema, metadataSchema), "orders-pipeline");
    OpenTables.open(
        sink,
        mapping("orders", "orders", column("name", "text"), column("total", "numeric(12,2)")),
        Target.LIVE);
  }

  @AfterEach
  void closeSink() {
    sink.close();
  }

  @Test
  void upsertsDeletesAndCheckpointCommitTogether() {
    OpenTables.on(sink, "orders", Target.LIVE)
        .applyBatch(
            List.of(upsert("a", "Ann", "1.50"), upsert("b", "Bob", "2"), upsert("c", "Cy", null)),
            position("token-1", 100, 1));

    OpenTables.on(sink, "orders", Target.LIVE)
        .applyBatch(
            List.of(upsert("a", "Ann B.", "10.25"), delete("b"), upsert("d", "Dee", "4.00")),
            position("token-2", 100, 2));

    assertThat(rows())
        .containsExactly(
            List.of("a", "Ann B.", "10.25"), listOf("c", "Cy", null), List.of("d", "Dee", "4.00"));
    assertThat(sink.loadProgress("orders", Target.LIVE).position())
        .contains(position("token-2", 100, 2));
  }

  @Test
  void aFailedBatchLeavesRowsAndCheckpointUnchanged() {
    OpenTables.on(sink, "orders", Target.LIVE)
        .applyBatch(List.of(upsert("a", "Ann", "1.00")), position("token-1", 100, 1));

    assertThatThrownBy(
            () ->
                OpenTables.on(sink, "orders", Target.LIVE)
                    .applyBatch(
                        List.of(
                            upsert("a", "changed", "2.00"),
                            delete("zzz"),
                            upsert("x", "bad", "not-a-number")),
                        position("token-2", 101, 0)))
        .isInstanceOfSatisfying(
            TidemarkException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.SINK_FAILED);
              assertThat(e.retriable()).isFalse();
              assertThat(e.databaseCode()).isEqualTo("22P02");
              assertThat(e.getMessage())
                  .startsWith(
                      "Could not apply 3 changes (2 upserts, 1 deletes, 0 dead letters) to table \""
                          + schema
                          + "\".\"orders\" for collection 'orders' up to source time 101.0")
                  .contains("in pipeline 'orders-pipeline'")
                  .contains("invalid input syntax for type numeric: \"not-a-number\"")
                  .contains("(SQLSTATE 22P02)")
                  .contains("widen the column's type");
            });

    assertThat(rows()).containsExactly(List.of("a", "Ann", "1.00"));
    assertThat(sink.loadProgress("orders", Target.LIVE).position())
        .contains(position("token-1", 100, 1));
  }

  @Test
  void theCheckpointNeverMovesBackwards() {
    OpenTables.on(sink, "orders", Target.LIVE).applyBatch(List.of(), position("token-5", 500, 0));

    OpenTables.on(sink, "orders", Target.LIVE)
        .applyBatch(List.of(upsert("late", "L", "1")), position("token-4", 400, 9));

    assertThat(sink.loadProgress("orders", Target.LIVE).position())
        .contains(position("token-5", 500, 0));
    assertThat(rows()).as("the rows of the older batch are still applied").hasSize(1);
    assertThat(
            db.queryValue(
                "SELECT cluster_time FROM "
                    + metadataSchema
                    + ".checkpoint WHERE pipeline = 'orders-pipeline'"))
        .isEqualTo(Long.toString(500L << 32));
  }

  @Test
  void aPositionWithTheSameClusterTimeMovesTheCheckpoint() {
    // Events of one source transaction share a cluster time and differ only by token.
    OpenTables.on(sink, "orders", Target.LIVE)
        .applyBatch(List.of(), position("txn-event-1", 500, 3));
    OpenTables.on(sink, "orders", Target.LIVE)
        .applyBatch(List.of(), position("txn-event-2", 500, 3));

    assertThat(sink.loadProgress("orders", Target.LIVE).position())
        .contains(position("txn-event-2", 500, 3));
  }

  @Test
  void anEmptyBatchOnlyMovesTheCheckpoint() {
    OpenTables.on(sink, "orders", Target.LIVE)
        .applyBatch(List.of(upsert("a", "Ann", "1")), position("token-1", 100, 1));

    OpenTables.on(sink, "orders", Target.LIVE).applyBatch(List.of(), position("token-2", 200, 1));

    assertThat(rows()).containsExactly(List.of("a", "Ann", "1.00"));
    assertThat(sink.loadProgress("orders", Target.LIVE).position())
        .contains(position("token-2", 200, 1));
    assertThat(sink.loadProgress("orders", Target.LIVE).snapshotState())
        .isEqualTo(SnapshotState.NONE);
  }

  @Test
  void aDeadLetterIsRecordedWithItsReasonAndTheOldRowDeleted() {
    OpenTables.on(sink, "orders", Target.LIVE)
        .applyBatch(
            List.of(upsert("a", "Ann", "1"), upsert("b", "Bob", "2")), position("t1", 1, 1));

    OpenTables.on(sink, "orders", Target.LIVE)
        .applyBatch(
            List.of(
                deadLetter(
                    "a",
                    "{\"_id\": \"a\", \"total\": {\"$numberDecimal\": \"1E+400\"}",
                    "total: too large for numeric(12,2)")),
            position("t2", 2, 1));

    assertThat(rows()).containsExactly(List.of("b", "Bob", "2.00"));
    assertThat(
            db.query(
                "SELECT pipeline, collection, document_key, position_token, document, reason"
                    + " FROM "
                    + metadataSchema
                    + ".dead_letter"))
        .containsExactly(
            List.of(
                "orders-pipeline",
                "orders",
                "a",
                "t2",
                "{\"_id\": \"a\", \"total\": {\"$numberDecimal\": \"1E+400\"}",
                "total: too large for numeric(12,2)"));
    assertThat(sink.loadProgress("orders", Target.LIVE).position()).contains(position("t2", 2, 1));
  }

  @Test
  void aDocumentRefusedAgainKeepsOneDeadLetterWithTheLatestVersion() {
    OpenTables.on(sink, "orders", Target.LIVE)
        .applyBatch(
            List.of(deadLetter("a", "{\"v\": 1}", "first reason"), deadLetter("b", "{}", "b")),
            position("t1", 1, 1));

    OpenTables.on(sink, "orders", Target.LIVE)
        .applyBatch(List.of(deadLetter("a", "{\"v\": 2}", "second reason")), position("t2", 2, 1));

    assertThat(
            db.query(
                "SELECT document_key, position_token, document, reason FROM "
                    + metadataSchema
                    + ".dead_letter ORDER BY document_key"))
        .containsExactly(
            List.of("a", "t2", "{\"v\": 2}", "second reason"), List.of("b", "t1", "{}", "b"));
  }

  @Test
  void textValuesArriveUnchanged() {
    List<String> awkward =
        List.of(
            "quote \" and 'single'",
            "back\\slash \\x00 \\N",
            "comma, {braces}, (parens)",
            "NULL",
            "",
            "tab\there\nnewline\rcr",
            "unicode: ü € 𝄞 日本");
    List<RowChange> changes = new ArrayList<>();
    for (int i = 0; i < awkward.size(); i++) {
      changes.add(upsert("k" + i, awkward.get(i), null));
    }
    changes.add(upsert("null-name", null, null));

    OpenTables.on(sink, "orders", Target.LIVE).applyBatch(changes, position("t1", 1, 1));

    List<List<String>> rows = rows();
    for (int i = 0; i < awkward.size(); i++) {
      assertThat(rows.get(i)).containsExactly("k" + i, awkward.get(i), null);
    }
    assertThat(rows.get(awkward.size())).containsExactly("null-name", null, null);
  }

  @Test
  void aBatchLargerThanOneStatementIsStillOneTransaction() {
    int n = JdbcChangeSink.ROWS_PER_STATEMENT * 2 + 7;
    OpenTables.on(sink, "orders", Target.LIVE)
        .applyBatch(manyUpserts("k", n), position("t1", 1, 1));
    assertThat(db.queryValue("SELECT count(*) FROM " + schema + ".orders"))
        .isEqualTo(Integer.toString(n));

    // The last statement of the batch fails: the earlier ones must be rolled back with it.
    List<RowChange> failing = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      failing.add(delete("k" + i));
    }
    List<RowChange> more = manyUpserts("new", n);
    failing.addAll(more);
    failing.set(failing.size() - 1, upsert("new-bad", "x", "NaN-ish"));

    assertThatThrownBy(
            () ->
                OpenTables.on(sink, "orders", Target.LIVE)
                    .applyBatch(failing, position("t2", 2, 1)))
        .isInstanceOf(TidemarkException.class);
    assertThat(db.queryValue("SELECT count(*) FROM " + schema + ".orders"))
        .isEqualTo(Integer.toString(n));
    assertThat(db.queryValue("SELECT count(*) FROM " + schema + ".orders WHERE _id LIKE 'new%'"))
        .isEqualTo("0");
  }

  @Test
  void aRowWithTheWrongNumberOfValuesIsRejectedBeforeTheDatabase() {
    assertThatThrownBy(
            () ->
                OpenTables.on(sink, "orders", Target.LIVE)
                    .applyBatch(List.of(upsert("a", "x")), position("t1", 1, 1)))
        .isInstanceOfSatisfying(
            TidemarkException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
              assertThat(e.getMessage()).contains("_id a").contains("has 2 values").contains("3");
            });
  }

  private List<List<String>> rows() {
    return db.query("SELECT _id, name, total FROM " + schema + ".orders ORDER BY _id");
  }

  private static List<String> listOf(String... values) {
    return java.util.Arrays.asList(values);
  }
}
