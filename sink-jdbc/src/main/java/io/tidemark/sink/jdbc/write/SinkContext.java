package io.tidemark.sink.jdbc.write;

import io.tidemark.sink.jdbc.dialect.SqlDialect;
import io.tidemark.sink.jdbc.schema.TargetTables;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What the parts of one open sink share: the pipeline it writes, the dialect, the target and
 * metadata tables, the transaction template, and the writer lock that fences every write.
 *
 * @param writerLock the lock this process holds, or null for a sink that takes none
 */
record SinkContext(
    String pipeline,
    SqlDialect dialect,
    TargetTables targetTables,
    MetadataTables meta,
    SinkTransactions transactions,
    RowWrites rowWrites,
    PreparedTables tables,
    WriterLock writerLock) {

  /** The schema of the target tables. */
  String schema() {
    return targetTables.schema();
  }

  /** Inside a write transaction: stops a process that is no longer the pipeline's writer. */
  void fence(Connection c) throws SQLException {
    if (writerLock != null) {
      writerLock.checkStillOwner(c);
    }
  }

  static void execute(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }
}
