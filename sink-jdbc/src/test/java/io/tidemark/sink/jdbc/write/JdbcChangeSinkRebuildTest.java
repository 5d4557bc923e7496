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
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.spi.ChangeSink.SnapshotState;
import io.tidemark.core.spi.ChangeSink.Target;
import io.tidemark.core.spi.TableSink;
import io.tidemark.sink.jdbc.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The shadow table of a rebuild: written beside the live table, swapped in atomically. */
class JdbcChangeSinkRebuildTest {
  private static final TestDatabase db = TestDatabase.shared();
  private static final TableMapping ORDERS = mapping("orders", "orders", column("name", "text"));

  private String schema;
  private String metadataSchema;
  private JdbcChangeSink sink;

  @BeforeEach
  void openSink() {
    schema = TestDatabase.freshName("target");
    metadataSchema = TestDatabase.freshName("meta");
    sink = JdbcChangeSink.open(db.config(schema, metadataSchema), "rebuild");
    OpenTables.open(sink, ORDERS, Target.LIVE);
    OpenTables.on(sink, "orders", Target.LIVE)
        .applyBatch(List.of(upsert("old", "stale")), position("p1", 10, 1));
  }

  @AfterEach
  void closeSink() {
    sink.close();
  }

  private List<List<String>> rows(String table) {
    return db.query("SELECT _id, name FROM " + schema + "." + table + " ORDER BY _id");
  }

  @Test
  void shadowProgressIsKeptApartFromTheLiveOne() {
    OpenTables.open(sink, ORDERS, Target.SHADOW);
    OpenTables.on(sink, "orders", Target.SHADOW).beginSnapshot(new ClusterTime(20, 0), 1);
    OpenTables.on(sink, "orders", Target.SHADOW)
        .writeSnapshotChunk(0, List.of(upsert("a", "fresh")), "\"a\"", false);

    assertThat(sink.loadProgress("orders", Target.SHADOW).snapshotState())
        .isEqualTo(SnapshotState.RUNNING);
    assertThat(sink.loadProgress("orders", Target.LIVE).position().orElseThrow().token())
        .isEqualTo("p1");
    assertThat(rows("orders")).containsExactly(List.of("old", "stale"));
    assertThat(rows("orders__tidemark_rebuild")).containsExactly(List.of("a", "fresh"));
  }

  @Test
  void swapMakesTheShadowTableAndPositionLiveInOneStep() {
    OpenTables.open(sink, ORDERS, Target.SHADOW);
    OpenTables.on(sink, "orders", Target.SHADOW).beginSnapshot(new ClusterTime(20, 0), 1);
    OpenTables.on(sink, "orders", Target.SHADOW)
        .writeSnapshotChunk(0, List.of(upsert("a", "fresh")), "\"a\"", true);
    OpenTables.on(sink, "orders", Target.SHADOW)
        .finishSnapshot(position("start20", 20, 0), new ClusterTime(21, 0));
    OpenTables.on(sink, "orders", Target.SHADOW)
        .applyBatch(List.of(upsert("b", "new")), position("p22", 22, 0));

    OpenTables.on(sink, ORDERS.collection(), Target.SHADOW).swapIn();

    assertThat(rows("orders")).containsExactly(List.of("a", "fresh"), List.of("b", "new"));
    assertThat(
            db.queryValue("SELECT to_regclass('" + schema + ".orders__tidemark_rebuild') IS NULL"))
        .isEqualTo("t");
    assertThat(sink.loadProgress("orders", Target.LIVE).position().orElseThrow().token())
        .isEqualTo("p22");
    assertThat(sink.loadProgress("orders", Target.LIVE).snapshotState())
        .isEqualTo(SnapshotState.DONE);
    assertThat(sink.loadProgress("orders", Target.SHADOW).snapshotState())
        .isEqualTo(SnapshotState.NONE);
    // The live table keeps taking changes, and a second rebuild can create its shadow again.
    OpenTables.on(sink, "orders", Target.LIVE)
        .applyBatch(List.of(upsert("c", "later")), position("p23", 23, 0));
    OpenTables.open(sink, ORDERS, Target.SHADOW);
    assertThat(rows("orders")).hasSize(3);
    assertThat(rows("orders__tidemark_rebuild")).isEmpty();
  }

  /**
   * A handle belongs to its table: once the shadow is swapped in, its handle writes nothing (the
   * old API let a write name a table nobody had prepared; the handle makes that unrepresentable,
   * and what is left is a handle used after its table is gone).
   */
  @Test
  void aShadowHandleWritesNothingOnceSwappedInAndOnlyAShadowSwaps() {
    TableSink live = OpenTables.on(sink, "orders", Target.LIVE);
    assertThatThrownBy(live::swapIn).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(live::discard).isInstanceOf(IllegalStateException.class);
    TableSink shadow = OpenTables.open(sink, ORDERS, Target.SHADOW);
    shadow.beginSnapshot(new ClusterTime(20, 0), 1);
    shadow.writeSnapshotChunk(0, List.of(upsert("a", "fresh")), "\"a\"", true);
    shadow.finishSnapshot(position("start20", 20, 0), new ClusterTime(21, 0));
    shadow.swapIn();

    assertThatThrownBy(
            () -> shadow.applyBatch(List.of(upsert("z", "late")), position("p30", 30, 0)))
        .isInstanceOfSatisfying(
            TidemarkException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
              assertThat(e.getMessage()).contains("orders$rebuild").contains("no longer open");
            });
    assertThat(rows("orders")).containsExactly(List.of("a", "fresh"));
    assertThat(sink.loadProgress("orders", Target.LIVE).position().orElseThrow().token())
        .isEqualTo("start20");
  }

  @Test
  void beginningAShadowCopyAgainEmptiesTheShadowTable() {
    OpenTables.open(sink, ORDERS, Target.SHADOW);
    OpenTables.on(sink, "orders", Target.SHADOW).beginSnapshot(new ClusterTime(20, 0), 1);
    OpenTables.on(sink, "orders", Target.SHADOW)
        .writeSnapshotChunk(0, List.of(upsert("a", "x")), "\"a\"", false);

    OpenTables.on(sink, "orders", Target.SHADOW).beginSnapshot(new ClusterTime(30, 0), 1);

    assertThat(rows("orders__tidemark_rebuild")).isEmpty();
    assertThat(rows("orders")).containsExactly(List.of("old", "stale"));
  }

  @Test
  void discardDropsTheShadowAndForgetsItsProgress() {
    OpenTables.open(sink, ORDERS, Target.SHADOW);
    OpenTables.on(sink, "orders", Target.SHADOW).beginSnapshot(new ClusterTime(20, 0), 1);

    OpenTables.on(sink, ORDERS.collection(), Target.SHADOW).discard();

    assertThat(
            db.queryValue("SELECT to_regclass('" + schema + ".orders__tidemark_rebuild') IS NULL"))
        .isEqualTo("t");
    assertThat(sink.loadProgress("orders", Target.SHADOW).snapshotState())
        .isEqualTo(SnapshotState.NONE);
    assertThat(rows("orders")).containsExactly(List.of("old", "stale"));
  }
}
