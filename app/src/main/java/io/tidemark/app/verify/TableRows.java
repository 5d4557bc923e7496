package io.tidemark.app.verify;

import io.tidemark.sink.jdbc.dialect.SqlDialect;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The PostgreSQL side of a comparison: the rows of one table, read with a cursor (a fetch size in a
 * transaction), so memory holds one fetch at a time. Uses the caller's connection; not thread-safe.
 */
final class TableRows {
  private static final int FETCH_SIZE = 2000;

  private final Connection connection;
  private final RowShape shape;
  private final String table;
  private final String keyColumn;
  private final String select;

  TableRows(Connection connection, SqlDialect dialect, String schema, RowShape shape) {
    this.connection = connection;
    this.shape = shape;
    this.table = dialect.qualify(schema, shape.mapping().table());
    this.keyColumn = dialect.quoteIdentifier(shape.mapping().keyColumn());
    this.select = "SELECT " + shape.selectList(dialect, schema) + " FROM " + table;
  }

  /** The qualified, quoted table name. */
  String table() {
    return table;
  }

  boolean exists() throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  /** Receives each row of a scan. */
  @FunctionalInterface
  interface Visitor {
    void row(String key, String[] cells);
  }

  /** Reads every row. */
  void scan(Visitor visitor) throws SQLException {
    stream(select, null, visitor);
  }

  /** Reads the rows whose keys fall in the given buckets. */
  void scanBuckets(int bits, int[] buckets, Visitor visitor) throws SQLException {
    String sql = select + " WHERE " + RowHash.bucketSql(keyColumn, bits) + " = ANY(?)";
    Integer[] boxed = new Integer[buckets.length];
    for (int i = 0; i < buckets.length; i++) {
      boxed[i] = buckets[i];
    }
    stream(sql, connection.createArrayOf("int4", boxed), visitor);
  }

  /** The comparable cells of the rows with these keys, by key. */
  Map<String, String[]> fetch(Collection<String> keys) throws SQLException {
    Map<String, String[]> out = new HashMap<>();
    stream(
        select + " WHERE " + keyColumn + " = ANY(?)",
        connection.createArrayOf("text", keys.toArray(new String[0])),
        (key, cells) -> out.put(key, cells));
    return out;
  }

  private void stream(String sql, Array parameter, Visitor visitor) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false); // a fetch size streams only inside a transaction
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      ps.setFetchSize(FETCH_SIZE);
      if (parameter != null) {
        ps.setArray(1, parameter);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          visitor.row(rs.getString(1), shape.fromTable(rs));
        }
      }
    } finally {
      connection.rollback(); // read only: nothing to keep
      connection.setAutoCommit(autoCommit);
    }
  }
}
