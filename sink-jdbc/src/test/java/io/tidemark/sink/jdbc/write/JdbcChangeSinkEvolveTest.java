package io.tidemark.sink.jdbc.write;

import static io.tidemark.sink.jdbc.write.TestRows.position;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.event.DocumentKey;
import io.tidemark.core.mapping.MappedRow;
import io.tidemark.core.mapping.MappedRow.UnmappedField;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.spi.ChangeSink.Target;
import io.tidemark.core.spi.RowChange;
import io.tidemark.core.value.Value;
import io.tidemark.sink.jdbc.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tables with {@code schema.evolve: addColumns}: a new top-level field becomes a column in the
 * transaction of the rows that bring it, a value of another type widens it to jsonb, and the
 * evolved columns outlive the sink, a failed batch and a rebuild.
 */
class JdbcChangeSinkEvolveTest {
  private static final TestDatabase db = TestDatabase.shared();

  private static final TableMapping EVENTS = TestRows.EVOLVING_EVENTS;

  private String schema;
  private String metadataSchema;
  private JdbcChangeSink sink;
  private long tick;

  @BeforeEach
  void openSink() {
    schema = TestDatabase.freshName("target");
    metadataSchema = TestDatabase.freshName("meta");
    sink = open();
  }

  private JdbcChangeSink open() {
    JdbcChangeSink opened = JdbcChangeSink.open(db.config(schema, metadataSchema), "evolve");
    OpenTables.open(opened, EVENTS, Target.LIVE);
    return opened;
  }

  @AfterEach
  void closeSink() {
    sink.close();
  }

  private static RowChange row(String key, Object... namesAndValues) {
    return TestRows.event(key, namesAndValues);
  }

  private void apply(RowChange... rows) {
    tick++;
    OpenTables.on(sink, "events", Target.LIVE)
        .applyBatch(List.of(rows), position("p" + tick, 10, tick));
  }

  /** Column name to type, in table order. */
  private List<String> columns(String table) {
    return db
        .query(
            "SELECT column_name || ' ' || data_type FROM information_schema.columns WHERE"
                + " table_schema = '"
                + schema
                + "' AND table_name = '"
                + table
                + "' ORDER BY ordinal_position")
        .stream()
        .map(r -> r.get(0))
        .toList();
  }

  private List<List<String>> select(String sql) {
    return db.query(sql.replace("$T", schema + ".events"));
  }

  @Test
  void aNewFieldBecomesAColumnTypedFromItsValue() {
    apply(row("a"));
    apply(
        row(
            "b",
            "name",
            new Value.Text("Ann"),
            "n",
            new Value.Int32(7),
            "ratio",
            new Value.Double(0.5),
            "ok",
            new Value.Bool(true),
            "at",
            new Value.DateTime(0),
            "meta",
            new Value.Json("Document", "{\"x\": 1}")));

    assertThat(columns("events"))
        .containsExactly(
            "_id text",
            "kind text",
            "doc jsonb",
            "name text",
            "n bigint",
            "ratio double precision",
            "ok boolean",
            "at timestamp with time zone",
            "meta jsonb");
    assertThat(
            select(
                "SELECT _id, name, n::text, ratio::text, ok::text, meta::text FROM $T ORDER BY _id"))
        .containsExactly(
            java.util.Arrays.asList("a", null, null, null, null, null),
            List.of("b", "Ann", "7", "0.5", "true", "{\"x\": 1}"));
  }

  @Test
  void aValueOfAnotherTypeWidensTheColumnToJsonbKeepingEarlierValues() {
    apply(row("a", "v", new Value.Int32(1)));
    apply(row("b", "v", new Value.Text("two")));
    apply(row("c", "v", new Value.Json("Document", "{\"three\": 3}")));
    apply(row("d", "v", new Value.Int64(4)));

    assertThat(columns("events")).contains("v jsonb");
    assertThat(select("SELECT _id, v::text FROM $T ORDER BY _id"))
        .containsExactly(
            List.of("a", "1"),
            List.of("b", "\"two\""),
            List.of("c", "{\"three\": 3}"),
            List.of("d", "4"));
  }

  @Test
  void rewritingAColumnToJsonbMayTakeLongerThanTheSocketTimeout() {
    sink.close();
    sink =
        JdbcChangeSink.open(
            db.config(schema, metadataSchema).withSocketTimeout(Duration.ofSeconds(1)), "evolve");
    OpenTables.open(sink, EVENTS, Target.LIVE);
    apply(row("a", "v", new Value.Int32(1)), row("b", "v", new Value.Int32(2)));
    // Rewriting the table rebuilds this index at 0.6 s a row: the rewrite of a large table, whose
    // length grows with the table and which no socket timeout can foresee.
    db.execute(
        "CREATE FUNCTION "
            + schema
            + ".slow_key(k text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS"
            + " $$ BEGIN PERFORM pg_sleep(0.6); RETURN k; END $$");
    db.execute("CREATE INDEX ON " + schema + ".events (" + schema + ".slow_key(_id))");

    apply(row("c", "v", new Value.Text("three")));

    assertThat(columns("events")).contains("v jsonb");
    assertThat(select("SELECT _id, v::text FROM $T ORDER BY _id"))
        .containsExactly(List.of("a", "1"), List.of("b", "2"), List.of("c", "\"three\""));
  }

  @Test
  void valuesThatDisagreeInOneBatchMakeAJsonbColumnAtOnce() {
    apply(row("a", "v", new Value.Int32(1)), row("b", "v", new Value.Text("two")));

    assertThat(columns("events")).contains("v jsonb");
    assertThat(select("SELECT v::text FROM $T ORDER BY _id"))
        .containsExactly(List.of("1"), List.of("\"two\""));
  }

  @Test
  void evolvedColumnsOutliveTheSinkAndAreNotAddedTwice() {
    apply(row("a", "v", new Value.Int32(1), "w", new Value.Text("x")));
    sink.close();

    sink = open();
    apply(row("b", "v", new Value.Int32(2)));

    assertThat(columns("events"))
        .containsExactly("_id text", "kind text", "doc jsonb", "v bigint", "w text");
    assertThat(select("SELECT _id, v::text, w FROM $T ORDER BY _id"))
        .containsExactly(List.of("a", "1", "x"), java.util.Arrays.asList("b", "2", null));
  }

  @Test
  void aFailedBatchLeavesNoColumnBehind() {
    RowChange wrongWidth =
        new RowChange.Upsert(
            new MappedRow(
                new DocumentKey("bad"),
                new String[] {"bad", "k", "not json"},
                List.of(),
                List.of(new UnmappedField("v", new Value.Int32(1)))));

    assertThatThrownBy(() -> apply(wrongWidth)).isInstanceOf(TidemarkException.class);

    assertThat(columns("events")).containsExactly("_id text", "kind text", "doc jsonb");
    apply(row("a", "v", new Value.Text("now a text")));
    assertThat(columns("events")).contains("v text");
  }

  @Test
  void aFieldNamedLikeAColumnOrTooLongGetsAFreeName() {
    db.execute("ALTER TABLE " + schema + ".events ADD COLUMN note text DEFAULT 'mine'");
    sink.close();
    sink = open();
    String longName = "a_field_with_a_name_well_beyond_the_sixty_three_bytes_postgres_keeps";

    apply(
        row(
            "a",
            "kind",
            new Value.Text("shadowed by the configured column"),
            "note",
            new Value.Text("from the document"),
            longName,
            new Value.Int32(1)));

    assertThat(columns("events"))
        .containsExactly(
            "_id text",
            "kind text",
            "doc jsonb",
            "note text",
            "kind_2 text",
            "note_2 text",
            longName.substring(0, 63) + " bigint");
    assertThat(select("SELECT note, note_2 FROM $T"))
        .containsExactly(List.of("mine", "from the document"));
  }

  @Test
  void writersAddingDifferentFieldsAtOnceBothSucceed() throws Exception {
    List<CompletableFuture<Void>> writers = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      int writer = w;
      writers.add(
          CompletableFuture.runAsync(
              () -> {
                for (int i = 0; i < 10; i++) {
                  String key = "w" + writer + "-" + i;
                  OpenTables.on(sink, "events", Target.LIVE)
                      .applyBatch(
                          List.of(row(key, "f" + writer + "_" + (i % 3), new Value.Int32(i))),
                          position("p" + key, 20 + writer, i));
                }
              }));
    }
    CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get();

    assertThat(Long.parseLong(db.queryValue("SELECT count(*) FROM " + schema + ".events")))
        .isEqualTo(40);
    assertThat(columns("events")).hasSize(3 + 12);
  }

  @Test
  void aRebuildEvolvesItsShadowAndSwapsTheColumnsIn() {
    apply(row("old", "v", new Value.Int32(1)));
    OpenTables.open(sink, EVENTS, Target.SHADOW);
    OpenTables.on(sink, "events", Target.SHADOW).beginSnapshot(new ClusterTime(20, 0), 1);
    OpenTables.on(sink, "events", Target.SHADOW)
        .writeSnapshotChunk(
            0,
            List.of(row("a", "v", new Value.Text("text now"), "fresh", new Value.Bool(false))),
            "\"a\"",
            true);
    assertThat(columns("events__tidemark_rebuild")).contains("v text", "fresh boolean");
    OpenTables.on(sink, "events", Target.SHADOW)
        .finishSnapshot(position("s", 20, 0), new ClusterTime(21, 0));

    OpenTables.on(sink, EVENTS.collection(), Target.SHADOW).swapIn();
    apply(row("b", "v", new Value.Text("still text"), "fresh", new Value.Bool(true)));

    assertThat(columns("events"))
        .containsExactly("_id text", "kind text", "doc jsonb", "v text", "fresh boolean");
    assertThat(select("SELECT _id, v, fresh::text FROM $T ORDER BY _id"))
        .containsExactly(List.of("a", "text now", "false"), List.of("b", "still text", "true"));
    sink.close();
    sink = open();
    apply(row("c", "v", new Value.Text("after a restart")));
    assertThat(columns("events")).hasSize(5);
  }
}
