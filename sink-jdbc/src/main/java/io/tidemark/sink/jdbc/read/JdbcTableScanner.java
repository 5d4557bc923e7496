package io.tidemark.sink.jdbc.read;

import io.tidemark.core.mapping.MappedRow;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.spi.TableScanner;
import io.tidemark.sink.jdbc.dialect.SqlDialect;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A PostgreSQL table read back as comparable cells ({@link ComparableCells}), with a cursor (a
 * fetch size in a transaction), so memory holds one fetch at a time. Each read takes a connection
 * of its own from the {@link JdbcSinkReader}; thread-safe.
 */
final class JdbcTableScanner implements TableScanner {
  private static final int FETCH_SIZE = 2000;

  private final JdbcSinkReader reader;
  private final ComparableCells cells;
  private final String table;
  private final String keyColumn;
  private final String select;

  JdbcTableScanner(JdbcSinkReader reader, SqlDialect dialect, String schema, TableMapping mapping) {
    this.reader = reader;
    this.cells = new ComparableCells(mapping);
    this.table = dialect.qualify(schema, mapping.table());
    this.keyColumn = dialect.quoteIdentifier(mapping.keyColumn());
    this.select = "SELECT " + cells.selectList(dialect, schema) + " FROM " + table;
  }

  @Override
  public String table() {
    return table;
  }

  @Override
  public boolean exists() {
    return reader.read(
        "look for table " + table,
        connection -> {
          try (PreparedStatement ps =
              connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getBoolean(1);
            }
          }
        });
  }

  @Override
  public List<String> cellNames() {
    return cells.names();
  }

  @Override
  public String[] cells(MappedRow row) {
    return cells.fromMapped(row);
  }

  @Override
  public void scan(RowVisitor visitor) {
    reader.read(
        "read table " + table,
        connection -> {
          stream(connection, select, null, visitor);
          return null;
        });
  }

  /** The bucket of {@link TableScanner#bucketOf}, computed by PostgreSQL for the key column. */
  static String bucketSql(String quotedKeyColumn, int bits) {
    return "(('x' || substr(md5(convert_to("
        + quotedKeyColumn
        + ", 'UTF8')), 1, 4))::bit(16)::int >> "
        + (MAX_BUCKET_BITS - bits)
        + ")";
  }

  @Override
  public void scanBuckets(int bits, int[] buckets, RowVisitor visitor) {
    String sql = select + " WHERE " + bucketSql(keyColumn, bits) + " = ANY(?)";
    Integer[] boxed = new Integer[buckets.length];
    for (int i = 0; i < buckets.length; i++) {
      boxed[i] = buckets[i];
    }
    reader.read(
        "read " + buckets.length + " key buckets of table " + table,
        connection -> {
          stream(connection, sql, connection.createArrayOf("int4", boxed), visitor);
          return null;
        });
  }

  @Override
  public Map<String, String[]> fetch(Collection<String> keys) {
    Map<String, String[]> out = new HashMap<>();
    reader.read(
        "read " + keys.size() + " rows by key from table " + table,
        connection -> {
          stream(
              connection,
              select + " WHERE " + keyColumn + " = ANY(?)",
              connection.createArrayOf("text", keys.toArray(new String[0])),
              out::put);
          return null;
        });
    return out;
  }

  private void stream(Connection connection, String sql, Array parameter, RowVisitor visitor)
      throws SQLException {
    connection.setAutoCommit(false); // a fetch size streams only inside a transaction
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      ps.setFetchSize(FETCH_SIZE);
      if (parameter != null) {
        ps.setArray(1, parameter);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          visitor.row(rs.getString(1), cells.fromTable(rs));
        }
      }
    } finally {
      connection.rollback(); // read only: nothing to keep
    }
  }
}
