package io.tidemark.sink.jdbc.write;

import static io.tidemark.sink.jdbc.write.TestRows.deadLetter;
import static io.tidemark.sink.jdbc.write.TestRows.delete;
import static io.tidemark.sink.jdbc.write.TestRows.order;
import static io.tidemark.sink.jdbc.write.TestRows.position;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.event.DocumentKey;
import io.tidemark.core.mapping.MappedRow;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.spi.ChangeSink.Target;
import io.tidemark.core.spi.RowChange;
import io.tidemark.sink.jdbc.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Child tables through every write path: a document's child rows are written, replaced and deleted
 * with its row in one transaction, and a rebuild swaps them in with it.
 */
class JdbcChangeSinkChildTest {
  private static final TestDatabase db = TestDatabase.shared();

  private static final TableMapping ORDERS = TestRows.ORDERS_WITH_ITEMS;

  private String schema;
  private JdbcChangeSink sink;

  @BeforeEach
  void openSink() {
    schema = TestDatabase.freshName("target");
    sink = JdbcChangeSink.open(db.config(schema, TestDatabase.freshName("meta")), "children");
    OpenTables.open(sink, ORDERS, Target.LIVE);
  }

  @AfterEach
  void closeSink() {
    sink.close();
  }

  private List<List<String>> items(String table) {
    return db.query(
        "SELECT _id, items_index::text, qty::text FROM "
            + schema
            + "."
            + table
            + " ORDER BY _id, items_index");
  }

  private long count(String table) {
    return Long.parseLong(db.queryValue("SELECT count(*) FROM " + schema + "." + table));
  }

  @Test
  void createsEveryChildTableWithItsCompositeKey() {
    assertThat(
            db.queryValue(
                "SELECT string_agg(a.attname, ',' ORDER BY array_position(i.indkey, a.attnum))"
                    + " FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
                    + " AND a.attnum = ANY (i.indkey) WHERE i.indisprimary"
                    + " AND i.indrelid = '"
                    + schema
                    + ".item_options'::regclass"))
        .isEqualTo("_id,items_index,options_index");
  }

  @Test
  void aSnapshotChunkLoadsChildRowsWithTheirDocuments() {
    OpenTables.on(sink, "orders", Target.LIVE).beginSnapshot(new ClusterTime(10, 0), 2);
    OpenTables.on(sink, "orders", Target.LIVE)
        .writeSnapshotChunk(0, List.of(order("a", "new", 1, 2), order("b", "new")), "\"b\"", true);

    assertThat(items("order_items"))
        .containsExactly(List.of("a", "0", "1"), List.of("a", "1", "2"));
    assertThat(db.query("SELECT * FROM " + schema + ".item_options"))
        .containsExactly(List.of("a", "1", "0", "o1.0"));
  }

  @Test
  void anUpdateReplacesTheChildRowsWhetherTheArrayGrowsOrShrinks() {
    OpenTables.on(sink, "orders", Target.LIVE)
        .applyBatch(List.of(order("a", "new", 1, 2, 3)), position("p1", 10, 1));
    assertThat(count("order_items")).isEqualTo(3);
    assertThat(count("item_options")).isEqualTo(3);

    OpenTables.on(sink, "orders", Target.LIVE)
        .applyBatch(List.of(order("a", "paid", 5)), position("p2", 10, 2));
    assertThat(items("order_items")).containsExactly(List.of("a", "0", "5"));
    assertThat(count("item_options")).isZero();

    OpenTables.on(sink, "orders", Target.LIVE)
        .applyBatch(List.of(order("a", "paid", 5, 6, 7, 8)), position("p3", 10, 3));
    assertThat(items("order_items")).hasSize(4).last().isEqualTo(List.of("a", "3", "8"));
    assertThat(count("item_options")).isEqualTo(6);
  }

  @Test
  void deletingOrDeadLetteringADocumentDeletesItsChildRowsOnly() {
    OpenTables.on(sink, "orders", Target.LIVE)
        .applyBatch(
            List.of(order("a", "new", 1, 2), order("b", "new", 3, 4), order("c", "new", 5)),
            position("p1", 10, 1));

    OpenTables.on(sink, "orders", Target.LIVE)
        .applyBatch(
            List.of(delete("a"), deadLetter("b", "{\"_id\": \"b\"}", "bad")),
            position("p2", 10, 2));

    assertThat(items("order_items")).containsExactly(List.of("c", "0", "5"));
    assertThat(count("item_options")).isZero();
  }

  @Test
  void aChildRowTheDatabaseRefusesRollsBackTheWholeBatch() {
    OpenTables.on(sink, "orders", Target.LIVE)
        .applyBatch(List.of(order("a", "new", 1)), position("p1", 10, 1));
    RowChange badChild =
        new RowChange.Upsert(
            new MappedRow(
                new DocumentKey("a"),
                new String[] {"a", "paid"},
                List.of(List.<String[]>of(new String[] {"a", "0", "not a number"}), List.of())));

    assertThatThrownBy(
            () ->
                OpenTables.on(sink, "orders", Target.LIVE)
                    .applyBatch(List.of(badChild), position("p2", 10, 2)))
        .isInstanceOf(TidemarkException.class)
        .hasMessageContaining("order_items");
    assertThat(db.query("SELECT status FROM " + schema + ".orders"))
        .containsExactly(List.of("new"));
    assertThat(items("order_items")).containsExactly(List.of("a", "0", "1"));
    assertThat(sink.loadProgress("orders", Target.LIVE).position().orElseThrow().token())
        .isEqualTo("p1");
  }

  @Test
  void aRebuildFillsShadowChildTablesAndSwapsThemInTogether() {
    OpenTables.on(sink, "orders", Target.LIVE)
        .applyBatch(List.of(order("old", "stale", 9, 9)), position("p1", 10, 1));
    OpenTables.open(sink, ORDERS, Target.SHADOW);
    OpenTables.on(sink, "orders", Target.SHADOW).beginSnapshot(new ClusterTime(20, 0), 1);
    OpenTables.on(sink, "orders", Target.SHADOW)
        .writeSnapshotChunk(0, List.of(order("a", "fresh", 1, 2)), "\"a\"", true);
    assertThat(items("order_items")).as("readers still see the live children").hasSize(2);
    assertThat(items("order_items__tidemark_rebuild"))
        .hasSize(2)
        .first()
        .isEqualTo(List.of("a", "0", "1"));

    OpenTables.on(sink, "orders", Target.SHADOW)
        .finishSnapshot(position("start20", 20, 0), new ClusterTime(21, 0));
    OpenTables.on(sink, ORDERS.collection(), Target.SHADOW).swapIn();

    assertThat(items("order_items"))
        .containsExactly(List.of("a", "0", "1"), List.of("a", "1", "2"));
    assertThat(db.query("SELECT name FROM " + schema + ".item_options"))
        .containsExactly(List.of("o1.0"));
    assertThat(
            db.queryValue(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE n.nspname = '"
                    + schema
                    + "' AND c.relname LIKE '%tidemark_rebuild%'"))
        .isEqualTo("0");
    // The live tables keep taking changes under their names.
    OpenTables.on(sink, "orders", Target.LIVE)
        .applyBatch(List.of(order("a", "paid", 3)), position("p22", 22, 0));
    assertThat(items("order_items")).containsExactly(List.of("a", "0", "3"));
  }

  @Test
  void aDiscardedRebuildDropsItsShadowChildTables() {
    OpenTables.open(sink, ORDERS, Target.SHADOW);
    OpenTables.on(sink, "orders", Target.SHADOW).beginSnapshot(new ClusterTime(20, 0), 1);

    OpenTables.on(sink, ORDERS.collection(), Target.SHADOW).discard();

    assertThat(
            db.queryValue(
                "SELECT to_regclass('" + schema + ".order_items__tidemark_rebuild') IS NULL"))
        .isEqualTo("t");
    assertThat(
            db.queryValue(
                "SELECT to_regclass('" + schema + ".item_options__tidemark_rebuild') IS NULL"))
        .isEqualTo("t");
    assertThat(db.queryValue("SELECT to_regclass('" + schema + ".order_items') IS NULL"))
        .isEqualTo("f");
  }

  @Test
  void anExistingChildTableThatDoesNotFitIsReportedWithTheFix() {
    String other = TestDatabase.freshName("target");
    db.execute("CREATE SCHEMA " + other);
    db.execute(
        "CREATE TABLE " + other + ".order_items (_id text, items_index integer, qty boolean)");
    try (JdbcChangeSink second =
        JdbcChangeSink.open(db.config(other, TestDatabase.freshName("meta")), "children")) {
      assertThatThrownBy(() -> OpenTables.open(second, ORDERS, Target.LIVE))
          .isInstanceOf(TidemarkException.class)
          .hasMessageContaining(
              "\"order_items\" exists but does not fit the child table of items of collection 'orders'")
          .hasMessageContaining("column \"qty\" has type boolean but the mapping expects integer");
    }
  }
}
