package io.tidemark.sink.jdbc.write;

import io.tidemark.core.mapping.MappedRow;
import io.tidemark.sink.jdbc.dialect.SqlDialect;
import io.tidemark.sink.jdbc.write.TableStatements.ChildStatements;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes and deletes rows, with their child rows, through a table's prepared statements, in the
 * caller's transaction. Stateless apart from the dialect; thread-safe.
 */
final class RowWrites {

  /**
   * Rows per multi-row statement. Larger batches become several statements in the same transaction,
   * which bounds the size of one request without costing round trips that matter.
   */
  static final int ROWS_PER_STATEMENT = 10_000;

  private final SqlDialect dialect;

  RowWrites(SqlDialect dialect) {
    this.dialect = dialect;
  }

  /** Deletes the batch's deleted keys and upserts its rows, in the caller's transaction. */
  void apply(
      Connection c, TableStatements table, ChangeBatch batch, List<CharSequence[]> upsertRows)
      throws SQLException {
    deleteKeys(c, table, batch.deleteKeys);
    upsert(c, table, batch.upserts, upsertRows);
  }

  /**
   * Writes the rows, replacing rows with the same keys, and replaces the child rows of those
   * documents: their old child rows are deleted and the new ones inserted.
   */
  void upsert(
      Connection c, TableStatements table, List<MappedRow> rows, List<CharSequence[]> writtenRows)
      throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    writeRows(c, table.upsert(), writtenRows, table.columnCount());
    if (table.children().isEmpty()) {
      return;
    }
    String[] keys = new String[rows.size()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = rows.get(i).key().text();
    }
    for (int i = 0; i < table.children().size(); i++) {
      ChildStatements child = table.children().get(i);
      deleteByKeys(c, child.deleteByKeys(), keys);
      writeRows(c, child.insert(), childRows(rows, i), child.columnCount());
    }
  }

  /**
   * Multi-row statements of at most {@link #ROWS_PER_STATEMENT} rows, one array per column. The
   * driver binds {@code String}s, so a value held as UTF-8 bytes is decoded here.
   */
  void writeRows(Connection c, String sql, List<? extends CharSequence[]> rows, int columns)
      throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int from = 0; from < rows.size(); from += ROWS_PER_STATEMENT) {
        int n = Math.min(ROWS_PER_STATEMENT, rows.size() - from);
        // Column-major: the statement takes one array per column.
        String[][] values = new String[columns][n];
        for (int r = 0; r < n; r++) {
          CharSequence[] row = rows.get(from + r);
          for (int col = 0; col < columns; col++) {
            values[col][r] = row[col] == null ? null : row[col].toString();
          }
        }
        for (int col = 0; col < columns; col++) {
          dialect.bindTextArray(ps, col + 1, values[col]);
        }
        ps.executeUpdate();
      }
    }
  }

  /**
   * Inserts new documents' rows and child rows with the dialect's bulk load (COPY): the fastest
   * write, for rows whose keys are not in the table yet (a copied document has no row and no child
   * rows). A key that is there already fails the load with a unique violation.
   */
  void bulkInsert(
      Connection c, TableStatements table, List<MappedRow> rows, List<CharSequence[]> writtenRows)
      throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    dialect.bulkLoad(c, table.bulkLoad(), writtenRows, table.columnCount());
    for (int i = 0; i < table.children().size(); i++) {
      ChildStatements child = table.children().get(i);
      List<String[]> childRows = childRows(rows, i);
      if (!childRows.isEmpty()) {
        dialect.bulkLoad(c, child.bulkLoad(), childRows, child.columnCount());
      }
    }
  }

  /**
   * Writes a batch of upserts only, bulk first: {@link #bulkInsert} under a savepoint, and when a
   * key turns out to be in the table already, back to the savepoint and {@link #apply}. For batches
   * that are mostly new keys (the copy a source connector streams first), where the bulk load is
   * the faster write.
   *
   * @return whether the bulk load wrote the batch
   */
  boolean applyBulkFirst(
      Connection c, TableStatements table, ChangeBatch batch, List<CharSequence[]> upsertRows)
      throws SQLException {
    if (batch.deleteKeys.length > 0 || batch.upserts.isEmpty()) {
      apply(c, table, batch, upsertRows);
      return false;
    }
    Savepoint beforeBulk = c.setSavepoint();
    try {
      bulkInsert(c, table, batch.upserts, upsertRows);
      c.releaseSavepoint(beforeBulk);
      return true;
    } catch (SQLException e) {
      if (!dialect.isUniqueViolation(e)) {
        throw e;
      }
      c.rollback(beforeBulk);
      apply(c, table, batch, upsertRows);
      return false;
    }
  }

  /** Deletes the documents' rows and their child rows. */
  void deleteKeys(Connection c, TableStatements table, String[] keys) throws SQLException {
    deleteByKeys(c, table.deleteByKeys(), keys);
    for (ChildStatements child : table.children()) {
      deleteByKeys(c, child.deleteByKeys(), keys);
    }
  }

  void deleteByKeys(Connection c, String sql, String[] keys) throws SQLException {
    if (keys.length == 0) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int from = 0; from < keys.length; from += ROWS_PER_STATEMENT) {
        int to = Math.min(keys.length, from + ROWS_PER_STATEMENT);
        String[] chunk = from == 0 && to == keys.length ? keys : Arrays.copyOfRange(keys, from, to);
        dialect.bindTextArray(ps, 1, chunk);
        ps.executeUpdate();
      }
    }
  }

  /** The rows' values, as a view. */
  static List<CharSequence[]> values(List<MappedRow> rows) {
    return new AbstractList<>() {
      @Override
      public CharSequence[] get(int index) {
        return rows.get(index).values();
      }

      @Override
      public int size() {
        return rows.size();
      }
    };
  }

  /** The rows of child table {@code child} of every document, in document order. */
  static List<String[]> childRows(List<MappedRow> rows, int child) {
    List<String[]> all = new ArrayList<>();
    for (MappedRow row : rows) {
      all.addAll(row.childRows().get(child));
    }
    return all;
  }
}
