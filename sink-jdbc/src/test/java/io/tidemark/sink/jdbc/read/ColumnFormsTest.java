package io.tidemark.sink.jdbc.read;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.core.mapping.ColumnValueConverter;
import io.tidemark.core.mapping.SqlType;
import io.tidemark.core.value.Value;
import io.tidemark.harness.postgres.PostgresServer;
import io.tidemark.sink.jdbc.dialect.postgres.PostgresValueEncoding;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every column type: the value Tidemark writes and the value PostgreSQL gives back reach the same
 * comparable form, and different values do not.
 */
class ColumnFormsTest {
  private static final ColumnValueConverter CONVERTER =
      new ColumnValueConverter(PostgresValueEncoding.INSTANCE);
  private static PostgresServer postgres;
  private static DataSource database;
  private static String databaseUrl;

  @BeforeAll
  static void start() throws Exception {
    postgres = PostgresServer.shared();
    databaseUrl = postgres.newDatabase("verify_column_forms");
    database = postgres.dataSource(databaseUrl);
  }

  /** Stores the converted value in a column of the type and reads it back the way verify does. */
  private static String roundTrip(SqlType type, String input) throws Exception {
    try (Connection c = database.getConnection();
        Statement st = c.createStatement()) {
      st.execute("SET extra_float_digits = 3");
      st.execute("DROP TABLE IF EXISTS t");
      st.execute("CREATE TABLE t (v " + type.ddl() + ")");
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO t VALUES (CAST(? AS " + type.ddl() + "))")) {
        ps.setString(1, input);
        ps.executeUpdate();
      }
      try (ResultSet rs = st.executeQuery("SELECT " + ColumnForms.select(type, "v") + " FROM t")) {
        rs.next();
        return ColumnForms.fromTable(type, rs.getString(1));
      }
    }
  }

  private static void assertSame(SqlType type, Value... values) throws Exception {
    for (Value v : values) {
      String input = CONVERTER.convert(v, type, "f", "c");
      assertThat(roundTrip(type, input))
          .as("%s %s (written as %s)", type, v, input)
          .isEqualTo(ColumnForms.fromInput(type, input));
    }
  }

  private static SqlType type(String ddl) {
    return SqlType.parse(ddl).orElseThrow();
  }

  @Test
  void everyTypeReadsBackToTheFormItWasWrittenIn() throws Exception {
    assertSame(
        type("text"), new Value.Text("héllo\tworld"), new Value.Int64(7), new Value.Text(""));
    assertSame(type("varchar(20)"), new Value.Text("short"));
    assertSame(type("integer"), new Value.Int32(-5), new Value.Double(3.0));
    assertSame(type("bigint"), new Value.Int64(Long.MAX_VALUE), new Value.Int64(Long.MIN_VALUE));
    assertSame(
        type("double precision"),
        new Value.Double(1e20),
        new Value.Double(0.1),
        new Value.Double(1.0 / 3),
        new Value.Double(-0.0),
        new Value.Double(Double.NaN),
        new Value.Double(Double.NEGATIVE_INFINITY),
        new Value.Double(4.9e-324),
        new Value.Int32(12));
    assertSame(
        type("numeric"),
        new Value.Decimal(new BigDecimal("1.50"), null),
        new Value.Decimal(new BigDecimal("1E+3"), null),
        new Value.Decimal(new BigDecimal("0.000"), null),
        new Value.Double(0.1),
        new Value.Decimal(null, "NaN"));
    assertSame(type("numeric(12,2)"), new Value.Decimal(new BigDecimal("1.5"), null));
    assertSame(type("boolean"), new Value.Bool(true), new Value.Bool(false));
    assertSame(
        type("timestamptz"),
        new Value.DateTime(0),
        new Value.DateTime(1714557600123L),
        new Value.DateTime(-62135596800000L),
        new Value.DateTime(253402300799999L));
    assertSame(type("date"), new Value.DateTime(1714521600000L), new Value.DateTime(-86400000L));
    assertSame(type("uuid"), new Value.Uuid(UUID.randomUUID()));
    assertSame(type("bytea"), new Value.Binary(0, new byte[] {0, 1, (byte) 0xAB, (byte) 0xFF}));
    assertSame(
        type("jsonb"),
        new Value.Json("object", "{\"b\": 1.0, \"a\": [1, {\"$date\": \"2024-05-01T10:00:00Z\"}]}"),
        new Value.Text("x"),
        new Value.Double(2.0),
        new Value.Decimal(new BigDecimal("1.10"), null));
  }

  private static Value.Array array(Value... elements) {
    return new Value.Array(List.of(elements), "[]");
  }

  @Test
  void arraysReadBackToTheFormTheyWereWrittenIn() throws Exception {
    assertSame(
        type("text[]"),
        array(
            new Value.Text("a b"),
            new Value.Text("q\"uote, back\\slash {x}"),
            new Value.Text("NULL"),
            new Value.Text(""),
            new Value.Null()),
        array());
    assertSame(type("bigint[]"), array(new Value.Int64(Long.MIN_VALUE), new Value.Null()));
    assertSame(type("integer[]"), array(new Value.Int32(3), new Value.Double(4.0)));
    assertSame(
        type("double precision[]"),
        array(
            new Value.Double(1e20),
            new Value.Double(-0.0),
            new Value.Double(Double.NaN),
            new Value.Double(Double.POSITIVE_INFINITY)));
    assertSame(
        type("numeric(12,2)[]"),
        array(new Value.Decimal(new BigDecimal("1.5"), null), new Value.Int32(2)));
    assertSame(type("boolean[]"), array(new Value.Bool(true), new Value.Null()));
  }

  @Test
  void differentValuesStayDifferent() throws Exception {
    for (List<Object> c :
        List.<List<Object>>of(
            List.of("double precision", "0.1", "0.10000000000000002"),
            List.of("numeric", "1.5", "1.51"),
            List.of("timestamptz", "2024-05-01T10:00:00.123Z", "2024-05-01T10:00:00.124Z"),
            List.of("jsonb", "{\"a\":1}", "{\"a\":\"1\"}"),
            List.of("boolean", "true", "false"),
            List.of("text[]", "{\"a\",\"b\"}", "{\"a,b\"}"),
            List.of("text[]", "{\"NULL\"}", "{NULL}"),
            List.of("bigint[]", "{\"1\",\"2\"}", "{\"2\",\"1\"}"),
            List.of("double precision[]", "{\"0.1\"}", "{\"0.10000000000000002\"}"))) {
      SqlType type = type((String) c.get(0));
      assertThat(roundTrip(type, (String) c.get(2)))
          .as("%s", c)
          .isNotEqualTo(ColumnForms.fromInput(type, (String) c.get(1)));
    }
  }
}
