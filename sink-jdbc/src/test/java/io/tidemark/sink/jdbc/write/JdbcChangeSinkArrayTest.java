package io.tidemark.sink.jdbc.write;

import static io.tidemark.sink.jdbc.write.TestRows.column;
import static io.tidemark.sink.jdbc.write.TestRows.mapping;
import static io.tidemark.sink.jdbc.write.TestRows.position;
import static io.tidemark.sink.jdbc.write.TestRows.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.mapping.ColumnMapping;
import io.tidemark.core.mapping.ColumnValueConverter;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.spi.ChangeSink.Target;
import io.tidemark.core.spi.RowChange;
import io.tidemark.core.value.Value;
import io.tidemark.sink.jdbc.TestDatabase;
import io.tidemark.sink.jdbc.dialect.postgres.PostgresDialect;
import io.tidemark.sink.jdbc.dialect.postgres.PostgresValueEncoding;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Array columns through both write paths — the dialect's COPY, which loads snapshot chunks, and the
 * sink's unnest upsert for a stream batch — with the values core's converter produces, read back as
 * JDBC arrays.
 */
class JdbcChangeSinkArrayTest {

  private static final TestDatabase db = TestDatabase.shared();

  private static final ColumnValueConverter CONVERTER =
      new ColumnValueConverter(PostgresValueEncoding.INSTANCE);

  private static final TableMapping LISTS =
      mapping(
          "lists",
          "lists",
          column("tags", "text[]"),
          column("counts", "bigint[]"),
          column("small", "integer[]"),
          column("ratios", "double precision[]"),
          column("prices", "numeric(12,2)[]"),
          column("flags", "boolean[]"));

  /** Text that array literals, COPY and the unnest parameter each have to escape. */
  private static final List<String> AWKWARD =
      Arrays.asList(
          "plain",
          "quote \" inside",
          "back\\slash \\N \\x00",
          "comma, here",
          "{braces}",
          "NULL",
          "",
          null,
          " spaces ",
          "tab\tnewline\ncr\r",
          "ünï € 𝄞");

  private String schema;
  private JdbcChangeSink sink;

  @BeforeEach
  void openSink() {
    schema = TestDatabase.freshName("target");
    sink = JdbcChangeSink.open(db.config(schema, TestDatabase.freshName("meta")), "arrays");
    OpenTables.open(sink, LISTS, Target.LIVE);
  }

  @AfterEach
  void closeSink() {
    sink.close();
  }

  @Test
  void theTableGetsArrayColumns() {
    assertThat(db.columnTypes(schema, "lists"))
        .containsExactly(
            List.of("_id", "text"),
            List.of("tags", "text[]"),
            List.of("counts", "bigint[]"),
            List.of("small", "integer[]"),
            List.of("ratios", "double precision[]"),
            List.of("prices", "numeric(12,2)[]"),
            List.of("flags", "boolean[]"));
  }

  @Test
  void copiedAndUpsertedArraysReadBackElementForElement() throws Exception {
    copy(fullRow("copied"), emptyRow("copied-empty"));
    OpenTables.on(sink, "lists", Target.LIVE)
        .applyBatch(
            List.of(
                fullRow("streamed"),
                emptyRow("streamed-empty"),
                upsert("streamed-null", new String[6])),
            position("t1", 2, 0));
    // A copied row replaced by the stream goes through ON CONFLICT DO UPDATE.
    OpenTables.on(sink, "lists", Target.LIVE)
        .applyBatch(List.of(fullRow("copied-empty")), position("t2", 3, 0));

    for (String key : List.of("copied", "streamed", "copied-empty")) {
      assertThat(read(key, "tags")).as(key).isEqualTo(AWKWARD);
      assertThat(read(key, "counts"))
          .as(key)
          .isEqualTo(Arrays.asList(Long.MIN_VALUE, null, 0L, Long.MAX_VALUE));
      assertThat(read(key, "small")).as(key).isEqualTo(List.of(Integer.MIN_VALUE, 7));
      assertThat(read(key, "ratios"))
          .as(key)
          .isEqualTo(List.of(0.1, -0.0, Double.NaN, Double.NEGATIVE_INFINITY, 1e300));
      assertThat(read(key, "prices"))
          .as(key)
          .isEqualTo(List.of(new BigDecimal("12.30"), new BigDecimal("-0.01")));
      assertThat(read(key, "flags")).as(key).isEqualTo(Arrays.asList(true, null, false));
    }
    for (String column : List.of("tags", "counts", "small", "ratios", "prices", "flags")) {
      assertThat(read("streamed-empty", column)).as(column).isEmpty();
    }
    assertThat(read("streamed-null", "tags")).as("SQL NULL, not an empty array").isNull();
  }

  @Test
  void anExistingColumnOfAnotherArrayTypeIsReported() {
    String table = schema + ".narrow";
    db.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
    db.execute("CREATE TABLE " + table + " (_id text PRIMARY KEY, counts integer[])");

    assertThatThrownBy(
            () ->
                OpenTables.open(
                    sink, mapping("narrow", "narrow", column("counts", "bigint[]")), Target.LIVE))
        .isInstanceOf(TidemarkException.class)
        .hasMessageContaining("has type integer[] but the mapping expects bigint[]");

    db.execute("ALTER TABLE " + table + " ALTER COLUMN counts TYPE numeric[]");
    OpenTables.open(sink, mapping("narrow", "narrow", column("counts", "bigint[]")), Target.LIVE);
  }

  /** A row whose every array column holds awkward elements, converted as the pipeline does. */
  private static RowChange fullRow(String key) throws Exception {
    List<Value> tags = new ArrayList<>();
    AWKWARD.forEach(t -> tags.add(t == null ? new Value.Null() : new Value.Text(t)));
    return row(
        key,
        tags,
        List.of(
            new Value.Int64(Long.MIN_VALUE),
            new Value.Null(),
            new Value.Int32(0),
            new Value.Int64(Long.MAX_VALUE)),
        List.of(new Value.Int32(Integer.MIN_VALUE), new Value.Double(7.0)),
        List.of(
            new Value.Double(0.1),
            new Value.Double(-0.0),
            new Value.Double(Double.NaN),
            new Value.Double(Double.NEGATIVE_INFINITY),
            new Value.Double(1e300)),
        List.of(
            new Value.Decimal(new BigDecimal("12.3"), null),
            new Value.Decimal(new BigDecimal("-0.01"), null)),
        List.of(new Value.Bool(true), new Value.Null(), new Value.Bool(false)));
  }

  private static RowChange emptyRow(String key) throws Exception {
    return row(key, List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
  }

  @SafeVarargs
  private static RowChange row(String key, List<Value>... columns) throws Exception {
    String[] values = new String[columns.length];
    for (int i = 0; i < columns.length; i++) {
      ColumnMapping c = LISTS.columns().get(i);
      values[i] =
          CONVERTER.convert(
              new Value.Array(columns[i], "[]"), c.type(), c.field().toString(), c.column());
    }
    return upsert(key, values);
  }

  /** Loads rows with the dialect's COPY, as a snapshot chunk is loaded. */
  private void copy(RowChange... rows) throws SQLException {
    PostgresDialect dialect = new PostgresDialect();
    List<CharSequence[]> mapped = new ArrayList<>();
    for (RowChange r : rows) {
      mapped.add(((RowChange.Upsert) r).row().values());
    }
    try (Connection c = db.dataSource().getConnection()) {
      dialect.bulkLoad(
          c, dialect.bulkLoadStatement(schema, LISTS), mapped, LISTS.tableColumns().size());
    }
  }

  /** The column's elements as JDBC returns them; null for SQL NULL. */
  private List<Object> read(String key, String column) throws SQLException {
    try (Connection c = db.dataSource().getConnection();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT " + column + " FROM " + schema + ".lists WHERE _id = '" + key + "'")) {
      assertThat(rs.next()).as("row %s", key).isTrue();
      Array array = rs.getArray(1);
      return array == null ? null : Arrays.asList((Object[]) array.getArray());
    }
  }
}
