package io.tidemark.sink.jdbc.write;

import static io.tidemark.sink.jdbc.write.TestRows.column;
import static io.tidemark.sink.jdbc.write.TestRows.deadLetter;
import static io.tidemark.sink.jdbc.write.TestRows.manyUpserts;
import static io.tidemark.sink.jdbc.write.TestRows.mapping;
import static io.tidemark.sink.jdbc.write.TestRows.position;
import static io.tidemark.sink.jdbc.write.TestRows.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.mapping.OnError;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.spi.ChangeSink.CollectionProgress;
import io.tidemark.core.spi.ChangeSink.RangeProgress;
import io.tidemark.core.spi.ChangeSink.SnapshotState;
import io.tidemark.core.spi.ChangeSink.Target;
import io.tidemark.core.spi.RowChange;
import io.tidemark.sink.jdbc.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JdbcChangeSinkSnapshotTest {

  private static final ClusterTime T0 = new ClusterTime(1_700_000_000, 7);

  private static final TestDatabase db = TestDatabase.shared();

  private String schema;
  private String metadataSchema;
  private JdbcChangeSink sink;

  @BeforeEach
  void openSink() {
    schema = TestDatabase.freshName("target");
    metadataSchema = TestDatabase.freshName("meta");
    sink = JdbcChangeSink.open(db.config(schema, metadataSchema), "snap");
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
  void aCollectionNeverSeenHasNoProgress() {
    assertThat(sink.loadProgress("orders", Target.LIVE)).isEqualTo(CollectionProgress.none());
  }

  @Test
  void beginSnapshotStartsACleanCopyAndForgetsThePosition() {
    OpenTables.on(sink, "orders", Target.LIVE).applyBatch(List.of(), position("old-token", 5, 5));

    OpenTables.on(sink, "orders", Target.LIVE).beginSnapshot(T0, 1234);

    assertThat(sink.loadProgress("orders", Target.LIVE))
        .isEqualTo(
            new CollectionProgress(
                SnapshotState.RUNNING,
                T0,
                0,
                1234,
                null,
                Optional.empty(),
                List.of(new RangeProgress(0, null, null, 0, false))));
  }

  @Test
  void aChunkAndItsMarkCommitTogether() {
    OpenTables.on(sink, "orders", Target.LIVE).beginSnapshot(T0, 5);

    OpenTables.on(sink, "orders", Target.LIVE)
        .writeSnapshotChunk(
            0, List.of(upsert("a", "Ann", "1"), upsert("b", "Bob", "2")), "mark-b", false);

    assertThat(rows()).containsExactly(List.of("a", "Ann", "1.00"), List.of("b", "Bob", "2.00"));
    CollectionProgress progress = sink.loadProgress("orders", Target.LIVE);
    assertThat(progress.ranges()).containsExactly(new RangeProgress(0, "mark-b", null, 2, false));
    assertThat(progress.snapshotRowsCopied()).isEqualTo(2);
    assertThat(progress.snapshotState()).isEqualTo(SnapshotState.RUNNING);
  }

  @Test
  void rangesAreRecordedAtTheStartAndEachMovesOnItsOwn() {
    OpenTables.on(sink, "orders", Target.LIVE).beginSnapshot(T0, 4, List.of("\"b\"", "\"c\""));
    assertThat(sink.loadProgress("orders", Target.LIVE).ranges())
        .containsExactly(
            new RangeProgress(0, null, "\"b\"", 0, false),
            new RangeProgress(1, "\"b\"", "\"c\"", 0, false),
            new RangeProgress(2, "\"c\"", null, 0, false));

    OpenTables.on(sink, "orders", Target.LIVE)
        .writeSnapshotChunk(2, List.of(upsert("d", "Dee", "4")), "\"d\"", true);
    OpenTables.on(sink, "orders", Target.LIVE)
        .writeSnapshotChunk(0, List.of(upsert("a", "Ann", "1")), "\"a\"", false);

    CollectionProgress progress = sink.loadProgress("orders", Target.LIVE);
    assertThat(progress.ranges())
        .containsExactly(
            new RangeProgress(0, "\"a\"", "\"b\"", 1, false),
            new RangeProgress(1, "\"b\"", "\"c\"", 0, false),
            new RangeProgress(2, "\"d\"", null, 1, true));
    assertThat(progress.snapshotRowsCopied()).isEqualTo(2);
    // A range that is done takes no more chunks: a second writer of it would copy rows twice.
    assertThatThrownBy(
            () ->
                OpenTables.on(sink, "orders", Target.LIVE)
                    .writeSnapshotChunk(2, List.of(upsert("e", "Eve", "5")), "\"e\"", true))
        .isInstanceOfSatisfying(
            TidemarkException.class,
            e -> assertThat(e.getMessage()).contains("range 2").contains("no running copy"));
    assertThat(rows()).hasSize(2);
    // Starting again forgets the old ranges.
    OpenTables.on(sink, "orders", Target.LIVE).beginSnapshot(T0, 4);
    assertThat(sink.loadProgress("orders", Target.LIVE).ranges())
        .containsExactly(new RangeProgress(0, null, null, 0, false));
  }

  @Test
  void aFailedChunkLeavesNeitherRowsNorMark() {
    OpenTables.on(sink, "orders", Target.LIVE).beginSnapshot(T0, 5);
    OpenTables.on(sink, "orders", Target.LIVE)
        .writeSnapshotChunk(0, List.of(upsert("a", "Ann", "1")), "mark-a", false);

    assertThatThrownBy(
            () ->
                OpenTables.on(sink, "orders", Target.LIVE)
                    .writeSnapshotChunk(
                        0,
                        List.of(upsert("c", "Cy", "3"), upsert("d", "Dee", "oops")),
                        "mark-d",
                        false))
        .isInstanceOfSatisfying(
            TidemarkException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.SINK_FAILED);
              assertThat(e.databaseCode()).isEqualTo("22P02");
              assertThat(e.getMessage())
                  .startsWith(
                      "Could not copy a snapshot chunk of range 0, 2 rows (2 upserts, 0 deletes, 0"
                          + " dead letters) into table \""
                          + schema
                          + "\".\"orders\" for collection 'orders' (resume mark after it: mark-d)"
                          + " in pipeline 'snap'");
            });

    assertThat(rows()).containsExactly(List.of("a", "Ann", "1.00"));
    assertThat(sink.loadProgress("orders", Target.LIVE).ranges())
        .containsExactly(new RangeProgress(0, "mark-a", null, 1, false));
    assertThat(sink.loadProgress("orders", Target.LIVE).snapshotRowsCopied()).isEqualTo(1);
  }

  @Test
  void aChunkCopiedAgainIntoAFilledTableIsRefusedWithAdvice() {
    OpenTables.on(sink, "orders", Target.LIVE).beginSnapshot(T0, 5);
    OpenTables.on(sink, "orders", Target.LIVE)
        .writeSnapshotChunk(0, List.of(upsert("a", "Ann", "1")), "mark-a", false);

    assertThatThrownBy(
            () ->
                OpenTables.on(sink, "orders", Target.LIVE)
                    .writeSnapshotChunk(0, List.of(upsert("a", "Ann", "1")), "mark-a", false))
        .isInstanceOfSatisfying(
            TidemarkException.class,
            e -> {
              assertThat(e.databaseCode()).isEqualTo("23505");
              assertThat(e.getMessage()).contains("A snapshot copy expects an empty target table");
            });
  }

  @Test
  void aChunkWithoutARunningCopyIsRefusedAndWritesNothing() {
    assertThatThrownBy(
            () ->
                OpenTables.on(sink, "orders", Target.LIVE)
                    .writeSnapshotChunk(0, List.of(upsert("a", "Ann", "1")), "m", false))
        .isInstanceOfSatisfying(
            TidemarkException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
              assertThat(e.getMessage())
                  .contains("collection 'orders'")
                  .contains("beginSnapshot must come first");
            });
    assertThat(rows()).isEmpty();
  }

  @Test
  void finishSnapshotSetsDoneAndTheCheckpoint() {
    OpenTables.on(sink, "orders", Target.LIVE).beginSnapshot(T0, 1);
    OpenTables.on(sink, "orders", Target.LIVE)
        .writeSnapshotChunk(0, List.of(upsert("a", "Ann", "1")), "mark-a", true);
    ClusterTime copyEnd = new ClusterTime(1_700_000_100, 1);

    OpenTables.on(sink, "orders", Target.LIVE)
        .finishSnapshot(position("start-at-T0", T0.seconds(), T0.increment()), copyEnd);

    assertThat(sink.loadProgress("orders", Target.LIVE))
        .isEqualTo(
            new CollectionProgress(
                SnapshotState.DONE,
                T0,
                1,
                1,
                copyEnd,
                Optional.of(position("start-at-T0", T0.seconds(), T0.increment())),
                List.of(new RangeProgress(0, "mark-a", null, 1, true))));
    assertThat(
            db.queryValue(
                "SELECT finished_at IS NOT NULL AND started_at <= finished_at FROM "
                    + metadataSchema
                    + ".snapshot"))
        .isEqualTo("t");
  }

  @Test
  void finishWithRangesNotDoneIsRefusedAndNamesThem() {
    OpenTables.on(sink, "orders", Target.LIVE).beginSnapshot(T0, 4, List.of("\"b\"", "\"c\""));
    OpenTables.on(sink, "orders", Target.LIVE)
        .writeSnapshotChunk(0, List.of(upsert("a", "Ann", "1")), "\"a\"", false);
    OpenTables.on(sink, "orders", Target.LIVE)
        .writeSnapshotChunk(2, List.of(upsert("d", "Dee", "4")), "\"d\"", true);

    assertThatThrownBy(
            () ->
                OpenTables.on(sink, "orders", Target.LIVE)
                    .finishSnapshot(position("x", 1, 1), new ClusterTime(2, 0)))
        .isInstanceOfSatisfying(
            TidemarkException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
              assertThat(e.getMessage())
                  .contains("collection 'orders'")
                  .contains("2 of its 3 ranges are not done")
                  .contains("range 0 (resume after \"a\", up to \"b\", 1 rows copied)")
                  .contains("range 1 (resume after \"b\", up to \"c\", 0 rows copied)")
                  .doesNotContain("range 2");
            });
    CollectionProgress progress = sink.loadProgress("orders", Target.LIVE);
    assertThat(progress.snapshotState()).isEqualTo(SnapshotState.RUNNING);
    assertThat(progress.position()).isEmpty();
  }

  @Test
  void finishWithoutARunningCopyIsRefused() {
    assertThatThrownBy(
            () ->
                OpenTables.on(sink, "orders", Target.LIVE)
                    .finishSnapshot(position("x", 1, 1), new ClusterTime(2, 0)))
        .isInstanceOfSatisfying(
            TidemarkException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL));
    assertThat(sink.loadProgress("orders", Target.LIVE).position()).isEmpty();
  }

  @Test
  void copyKeepsEveryCharacterAndEveryType() {
    TableMapping typed =
        new TableMapping(
            "typed",
            "typed",
            "_id",
            List.of(
                column("label", "text"),
                column("blob", "bytea"),
                column("seen_at", "timestamptz"),
                column("ref", "uuid")),
            "doc",
            OnError.FAIL);
    OpenTables.open(sink, typed, Target.LIVE);
    OpenTables.on(sink, "typed", Target.LIVE).beginSnapshot(T0, 3);
    String awkward = "tab\tnewline\ncr\rbackslash\\ \\N \\. end ü 𝄞";

    OpenTables.on(sink, "typed", Target.LIVE)
        .writeSnapshotChunk(
            0,
            List.of(
                upsert(
                    "k\t1",
                    awkward,
                    "\\xdeadbeef",
                    "2024-01-02T03:04:05Z",
                    "123e4567-e89b-12d3-a456-426614174000",
                    "{\"s\": \"a\\tb\\\\c\\n\", \"x\": null}"),
                upsert("k2", null, null, null, null, null),
                upsert("k3", "", "\\x", null, null, "[]")),
            "k3",
            false);

    assertThat(
            db.query(
                "SELECT _id, label, encode(blob, 'hex'), seen_at = '2024-01-02 03:04:05+00',"
                    + " ref::text, doc->>'s' FROM "
                    + schema
                    + ".typed ORDER BY _id"))
        .containsExactly(
            List.of(
                "k\t1",
                awkward,
                "deadbeef",
                "t",
                "123e4567-e89b-12d3-a456-426614174000",
                "a\tb\\c\n"),
            nulls("k2", 5),
            java.util.Arrays.asList("k3", "", "", null, null, null));
  }

  @Test
  void aLargeChunkIsStreamedAndCounted() {
    OpenTables.on(sink, "orders", Target.LIVE).beginSnapshot(T0, 30_000);
    List<RowChange> rows = manyUpserts("k", 30_000);

    OpenTables.on(sink, "orders", Target.LIVE).writeSnapshotChunk(0, rows, "k29999", false);

    assertThat(db.queryValue("SELECT count(*) FROM " + schema + ".orders")).isEqualTo("30000");
    assertThat(db.queryValue("SELECT total FROM " + schema + ".orders WHERE _id = 'k29999'"))
        .isEqualTo("29999.25");
  }

  @Test
  void deadLettersInAChunkAreRecorded() {
    OpenTables.on(sink, "orders", Target.LIVE).beginSnapshot(T0, 2);
    List<RowChange> chunk = new ArrayList<>();
    chunk.add(upsert("a", "Ann", "1"));
    chunk.add(deadLetter("b", "{\"_id\": \"b\", \"total\": \"lots\"}", "total: not a number"));

    OpenTables.on(sink, "orders", Target.LIVE).writeSnapshotChunk(0, chunk, "b", false);

    assertThat(rows()).containsExactly(List.of("a", "Ann", "1.00"));
    assertThat(
            db.query(
                "SELECT collection, document_key, position_token, reason FROM "
                    + metadataSchema
                    + ".dead_letter"))
        .containsExactly(java.util.Arrays.asList("orders", "b", null, "total: not a number"));
  }

  private List<List<String>> rows() {
    return db.query("SELECT _id, name, total FROM " + schema + ".orders ORDER BY _id");
  }

  private static List<String> nulls(String first, int count) {
    List<String> row = new ArrayList<>();
    row.add(first);
    for (int i = 0; i < count; i++) {
      row.add(null);
    }
    return row;
  }
}
