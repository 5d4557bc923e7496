package io.tidemark.sink.jdbc.write;

import static io.tidemark.sink.jdbc.write.TestRows.column;
import static io.tidemark.sink.jdbc.write.TestRows.mapping;
import static io.tidemark.sink.jdbc.write.TestRows.position;
import static io.tidemark.sink.jdbc.write.TestRows.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.mapping.OnError;
import io.tidemark.core.mapping.OnHistoryLost;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.spi.ChangeSink.Target;
import io.tidemark.sink.jdbc.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JdbcChangeSinkTableTest {

  private static final TestDatabase db = TestDatabase.shared();

  private String schema;
  private JdbcChangeSink sink;

  @BeforeEach
  void openSink() {
    schema = TestDatabase.freshName("target");
    sink =
        JdbcChangeSink.open(
            db.config(schema, TestDatabase.freshName("meta")), "p", db.dataSource());
  }

  @AfterEach
  void closeSink() {
    sink.close();
  }

  private static TableMapping everyType() {
    return new TableMapping(
        "things",
        "things",
        "_id",
        List.of(
            column("label", "text"),
            column("price", "numeric(12,2)"),
            column("attrs", "jsonb"),
            column("seen_at", "timestamptz"),
            column("blob", "bytea"),
            column("ref", "uuid"),
            column("qty", "integer"),
            column("code", "varchar(3)")),
        "doc",
        OnError.FAIL);
  }

  @Test
  void createsTheTableWithTheMappedTypesAndStoresEachType() {
    OpenTables.open(sink, everyType(), Target.LIVE);

    assertThat(db.columnTypes(schema, "things"))
        .containsExactly(
            List.of("_id", "text"),
            List.of("label", "text"),
            List.of("price", "numeric(12,2)"),
            List.of("attrs", "jsonb"),
            List.of("seen_at", "timestamp with time zone"),
            List.of("blob", "bytea"),
            List.of("ref", "uuid"),
            List.of("qty", "integer"),
            List.of("code", "character varying(3)"),
            List.of("doc", "jsonb"));

    OpenTables.on(sink, "things", Target.LIVE)
        .applyBatch(
            List.of(
                upsert(
                    "t1",
                    "first",
                    "1234.5",
                    "{\"tags\": [\"a\", \"b\"], \"n\": 1}",
                    "2024-05-01T12:34:56.789Z",
                    "\\x00ff10",
                    "123e4567-e89b-12d3-a456-426614174000",
                    "-42",
                    "abc",
                    "{\"_id\": \"t1\"}")),
            position("t", 1, 1));

    assertThat(
            db.query(
                "SELECT label, price::text, attrs->>'n', attrs->'tags'->>1,"
                    + " seen_at = '2024-05-01 12:34:56.789+00', encode(blob, 'hex'), ref::text,"
                    + " qty, code, doc->>'_id' FROM "
                    + schema
                    + ".things"))
        .containsExactly(
            List.of(
                "first",
                "1234.50",
                "1",
                "b",
                "t",
                "00ff10",
                "123e4567-e89b-12d3-a456-426614174000",
                "-42",
                "abc",
                "t1"));
  }

  @Test
  void aTooLongVarcharIsRejectedNotCut() {
    OpenTables.open(sink, everyType(), Target.LIVE);
    String[] values = new String[10];
    values[0] = "t1";
    values[8] = "abcd";

    assertThatThrownBy(
            () ->
                OpenTables.on(sink, "things", Target.LIVE)
                    .applyBatch(
                        List.of(upsert("t1", java.util.Arrays.copyOfRange(values, 1, 10))),
                        position("t", 1, 1)))
        .isInstanceOfSatisfying(
            TidemarkException.class, e -> assertThat(e.databaseCode()).isEqualTo("22001"));
  }

  @Test
  void anExistingTableMissingAColumnIsReportedWithTableAndColumn() {
    db.execute("CREATE SCHEMA " + schema);
    db.execute("CREATE TABLE " + schema + ".orders (_id text PRIMARY KEY, name text)");

    assertThatThrownBy(
            () ->
                OpenTables.open(
                    sink,
                    mapping(
                        "orders",
                        "orders",
                        column("name", "text"),
                        column("total", "numeric(12,2)")),
                    Target.LIVE))
        .isInstanceOfSatisfying(
            TidemarkException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.SINK_FAILED);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "Table \""
                          + schema
                          + "\".\"orders\" exists but does not fit the mapping of collection"
                          + " 'orders': column \"total\" is missing (expected type numeric(12,2);"
                          + " add it with ALTER TABLE \""
                          + schema
                          + "\".\"orders\" ADD COLUMN \"total\" numeric(12,2)). Fix the table or"
                          + " the mapping, or drop the table so that Tidemark creates it.");
            });
  }

  @Test
  void anExistingColumnOfAnotherTypeIsReportedWithFoundAndExpectedType() {
    db.execute("CREATE SCHEMA " + schema);
    db.execute(
        "CREATE TABLE "
            + schema
            + ".orders (_id text PRIMARY KEY, total text, note text NOT NULL)");

    assertThatThrownBy(
            () ->
                OpenTables.open(
                    sink,
                    mapping("orders", "orders", column("total", "numeric(12,2)")),
                    Target.LIVE))
        .isInstanceOfSatisfying(
            TidemarkException.class,
            e ->
                assertThat(e.getMessage())
                    .contains("Table \"" + schema + "\".\"orders\"")
                    .contains(
                        "column \"total\" has type text but the mapping expects numeric(12,2)")
                    .contains("column \"note\" is NOT NULL without a default"));
  }

  @Test
  void anExistingTableWithWiderCompatibleTypesIsAccepted() {
    db.execute("CREATE SCHEMA " + schema);
    db.execute(
        "CREATE TABLE "
            + schema
            + ".orders (_id varchar PRIMARY KEY, total numeric(14,3), qty bigint,"
            + " code text, extra text, added timestamptz NOT NULL DEFAULT now())");

    OpenTables.open(
        sink,
        mapping(
            "orders",
            "orders",
            column("total", "numeric(12,2)"),
            column("qty", "integer"),
            column("code", "varchar(3)")),
        Target.LIVE);
    OpenTables.on(sink, "orders", Target.LIVE)
        .applyBatch(List.of(upsert("o1", "9.99", "7", "xyz")), position("t", 1, 1));

    assertThat(db.query("SELECT _id, total, qty, code FROM " + schema + ".orders"))
        .containsExactly(List.of("o1", "9.990", "7", "xyz"));
  }

  @Test
  void anExistingTableWithoutAKeyIndexIsReported() {
    db.execute("CREATE SCHEMA " + schema);
    db.execute("CREATE TABLE " + schema + ".orders (_id text, name text)");

    assertThatThrownBy(
            () ->
                OpenTables.open(
                    sink, mapping("orders", "orders", column("name", "text")), Target.LIVE))
        .hasMessageContaining("key column \"_id\" has no primary key or unique index");
  }

  @Test
  void anExistingTableKeyedOnOtherColumnsThanPrimaryKeyIsReported() {
    db.execute("CREATE SCHEMA " + schema);
    db.execute(
        "CREATE TABLE "
            + schema
            + ".stock (_id text NOT NULL UNIQUE, region text, n bigint, PRIMARY KEY (n, region))");
    TableMapping byRegion =
        new TableMapping(
            "stock",
            "stock",
            "_id",
            List.of(column("region", "text"), column("n", "bigint")),
            null,
            null,
            OnError.FAIL,
            OnHistoryLost.FAIL,
            List.of("region", "n"));

    assertThatThrownBy(() -> OpenTables.open(sink, byRegion, Target.LIVE))
        .hasMessageContaining(
            "its primary key is (\"n\", \"region\") but the mapping's is (\"region\", \"n\")");
    db.execute("ALTER TABLE " + schema + ".stock DROP CONSTRAINT stock_pkey");
    db.execute("ALTER TABLE " + schema + ".stock ADD PRIMARY KEY (region, n)");
    OpenTables.open(sink, byRegion, Target.LIVE);
  }

  @Test
  void identifiersAreQuoted() {
    TableMapping odd =
        new TableMapping(
            "odd",
            "Order \"Items\"",
            "Key Col",
            List.of(column("Total Amount", "numeric")),
            null,
            OnError.FAIL);

    OpenTables.open(sink, odd, Target.LIVE);
    OpenTables.on(sink, "odd", Target.LIVE)
        .applyBatch(List.of(upsert("k1", "3.5")), position("t", 1, 1));
    OpenTables.on(sink, "odd", Target.LIVE)
        .applyBatch(List.of(upsert("k1", "4.5")), position("t", 1, 2));
    OpenTables.open(sink, odd, Target.LIVE); // and the check of the existing table finds it fits

    assertThat(
            db.query(
                "SELECT \"Key Col\", \"Total Amount\" FROM " + schema + ".\"Order \"\"Items\"\"\""))
        .containsExactly(List.of("k1", "4.5"));
  }

  @Test
  void aKeyOnlyTableIgnoresRepeatedKeys() {
    OpenTables.open(sink, mapping("keys", "keys"), Target.LIVE);
    OpenTables.on(sink, "keys", Target.LIVE)
        .applyBatch(List.of(upsert("a"), upsert("b")), position("t", 1, 1));
    OpenTables.on(sink, "keys", Target.LIVE).applyBatch(List.of(upsert("a")), position("t", 1, 2));

    assertThat(db.query("SELECT _id FROM " + schema + ".keys ORDER BY _id"))
        .containsExactly(List.of("a"), List.of("b"));
  }
}
