package io.tidemark.sink.jdbc.write;

import io.tidemark.sink.jdbc.write.SinkTransactions.Operation;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.locks.ReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a batch's writes in one fenced transaction with the table's current statements, and evolves
 * the table's columns first when the batch needs it ({@code schema.evolve: addColumns}).
 */
final class BatchWriter {
  private static final Logger LOG = LoggerFactory.getLogger(BatchWriter.class);

  private final SinkContext sink;
  private final SchemaEvolver evolver;

  BatchWriter(SinkContext sink) {
    this.sink = sink;
    this.evolver = new SchemaEvolver(sink.dialect().valueEncoding());
  }

  /** Work on a batch inside its write transaction, with the table's current statements. */
  @FunctionalInterface
  interface Work {
    /**
     * @param upsertRows the batch's upserted rows as written, evolved columns included
     */
    void run(Connection c, TableStatements table, List<CharSequence[]> upsertRows)
        throws SQLException;
  }

  /**
   * Runs a batch's work in one transaction. For a table that evolves, the batch's unmapped fields
   * decide: when each fits a column, the batch is written beside other writers of the table (a
   * shared lock); otherwise the batch adds or widens the columns it needs in its own transaction,
   * alone (an exclusive lock, so that no other writer uses statements of the old shape), and the
   * table's statements change when it commits.
   *
   * @param key the table's metadata key ({@link PreparedTables#key})
   */
  void write(String key, ChangeBatch batch, Work work, Operation operation) {
    TableStatements statements = sink.tables().get(key);
    if (!statements.mapping().evolvesColumns() && statements.evolved().isEmpty()) {
      runFenced(work, statements, RowWrites.values(batch.upserts), operation);
      return;
    }
    ReadWriteLock lock = sink.tables().evolutionLock(key);
    lock.readLock().lock();
    try {
      TableStatements current = sink.tables().get(key);
      List<CharSequence[]> rows = evolver.rows(current, batch.upserts);
      if (rows != null) {
        runFenced(work, current, rows, operation);
        return;
      }
    } finally {
      lock.readLock().unlock();
    }
    lock.writeLock().lock();
    try {
      evolveAndWrite(key, batch, work, operation);
    } finally {
      lock.writeLock().unlock();
    }
  }

  private void runFenced(
      Work work, TableStatements table, List<CharSequence[]> rows, Operation operation) {
    sink.transactions()
        .run(
            c -> {
              sink.fence(c);
              work.run(c, table, rows);
              return null;
            },
            operation);
  }

  /** Holding the table's exclusive lock: changes its columns and writes, in one transaction. */
  private void evolveAndWrite(String key, ChangeBatch batch, Work work, Operation operation) {
    TableStatements current = sink.tables().get(key);
    SchemaEvolver.Evolution evolution = evolver.plan(current, batch.upserts);
    TableStatements next = current.withEvolved(sink.dialect(), sink.schema(), evolution.columns());
    List<CharSequence[]> rows = evolver.rows(next, batch.upserts);
    sink.transactions()
        .runDdl(
            c -> {
              sink.fence(c);
              evolve(c, key, next, evolution);
              work.run(c, next, rows);
              return null;
            },
            () -> operation.describe() + ", with the schema changes: " + evolution.reasons());
    sink.tables().put(key, next);
    for (String reason : evolution.reasons()) {
      LOG.info("table {}: {}", next.table(), reason);
    }
  }

  /** Adds and widens evolved columns, and records them, in the caller's transaction. */
  private void evolve(
      Connection c, String key, TableStatements table, SchemaEvolver.Evolution evolution)
      throws SQLException {
    String tableName = table.mapping().table();
    if (!evolution.widened().isEmpty()) {
      // A new column type rewrites the table and rebuilds its indexes: it takes as long as the
      // table is large, which no socket timeout can foresee. Keepalive watches the peer meanwhile.
      SinkTransactions.withoutSocketTimeout(
          c,
          () -> {
            for (EvolvedColumn column : evolution.widened()) {
              SinkContext.execute(
                  c, sink.dialect().widenColumnToJsonb(sink.schema(), tableName, column.column()));
            }
          });
    }
    for (EvolvedColumn column : evolution.added()) {
      SinkContext.execute(
          c, sink.dialect().addColumn(sink.schema(), tableName, column.column(), column.type()));
    }
    List<EvolvedColumn> all = evolution.columns();
    for (int i = 0; i < all.size(); i++) {
      EvolvedColumn column = all.get(i);
      if (evolution.added().contains(column) || evolution.widened().contains(column)) {
        sink.meta().recordEvolvedColumn(c, key, column, i);
      }
    }
  }
}
