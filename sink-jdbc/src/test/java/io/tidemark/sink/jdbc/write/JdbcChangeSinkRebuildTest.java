package io.tidemark.sink.jdbc.write;

import static io.tidemark.sink.jdbc.write.TestRows.column;
import static io.tidemark.sink.jdbc.write.TestRows.mapping;
import static io.tidemark.sink.jdbc.write.TestRows.position;
import static io.tidemark.sink.jdbc.write.TestRows.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.spi.ChangeSink.SnapshotState;
import io.tidemark.core.spi.ChangeSink.Target;
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
    sink = new JdbcChangeSink(db.config(schema, metadataSchema), "rebuild");
    sink.prepareTable(ORDERS, Target.LIVE);
    sink.applyBatch("orders", Target.LIVE, List.of(upsert("old", "stale")), position("p1", 10, 1));
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
    sink.prepareTable(ORDERS, Target.SHADOW);
    sink.beginSnapshot("orders", Target.SHADOW, new ClusterTime(20, 0), 1);
    sink.writeSnapshotChunk(
        "orders", Target.SHADOW, 0, List.of(upsert("a", "fresh")), "\"a\"", false);

    assertThat(sink.loadProgress("orders", Target.SHADOW).snapshotState())
        .isEqualTo(SnapshotState.RUNNING);
    assertThat(sink.loadProgress("orders", Target.LIVE).position().orElseThrow().token())
        .isEqualTo("p1");
    assertThat(rows("orders")).containsExactly(List.of("old", "stale"));
    assertThat(rows("orders__tidemark_rebuild")).containsExactly(List.of("a", "fresh"));
  }

  @Test
  void swapMakesTheShadowTableAndPositionLiveInOneStep() {
    sink.prepareTable(ORDERS, Target.SHADOW);
    sink.beginSnapshot("orders", Target.SHADOW, new ClusterTime(20, 0), 1);
    sink.writeSnapshotChunk(
        "orders", Target.SHADOW, 0, List.of(upsert("a", "fresh")), "\"a\"", true);
    sink.finishSnapshot(
        "orders", Target.SHADOW, position("start20", 20, 0), new ClusterTime(21, 0));
    sink.applyBatch("orders", Target.SHADOW, List.of(upsert("b", "new")), position("p22", 22, 0));

    sink.swapShadow(ORDERS);

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
    sink.applyBatch("orders", Target.LIVE, List.of(upsert("c", "later")), position("p23", 23, 0));
    sink.prepareTable(ORDERS, Target.SHADOW);
    assertThat(rows("orders")).hasSize(3);
    assertThat(rows("orders__tidemark_rebuild")).isEmpty();
  }

  @Test
  void beginningAShadowCopyAgainEmptiesTheShadowTable() {
    sink.prepareTable(ORDERS, Target.SHADOW);
    sink.beginSnapshot("orders", Target.SHADOW, new ClusterTime(20, 0), 1);
    sink.writeSnapshotChunk("orders", Target.SHADOW, 0, List.of(upsert("a", "x")), "\"a\"", false);

    sink.beginSnapshot("orders", Target.SHADOW, new ClusterTime(30, 0), 1);

    assertThat(rows("orders__tidemark_rebuild")).isEmpty();
    assertThat(rows("orders")).containsExactly(List.of("old", "stale"));
  }

  @Test
  void discardDropsTheShadowAndForgetsItsProgress() {
    sink.prepareTable(ORDERS, Target.SHADOW);
    sink.beginSnapshot("orders", Target.SHADOW, new ClusterTime(20, 0), 1);

    sink.discardShadow(ORDERS);

    assertThat(
            db.queryValue("SELECT to_regclass('" + schema + ".orders__tidemark_rebuild') IS NULL"))
        .isEqualTo("t");
    assertThat(sink.loadProgress("orders", Target.SHADOW).snapshotState())
        .isEqualTo(SnapshotState.NONE);
    assertThat(rows("orders")).containsExactly(List.of("old", "stale"));
  }
}
