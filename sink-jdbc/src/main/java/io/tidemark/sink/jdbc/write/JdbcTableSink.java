package io.tidemark.sink.jdbc.write;

import io.tidemark.core.mapping.ChildTable;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.Position;
import io.tidemark.core.spi.ChangeSink.CollectionProgress;
import io.tidemark.core.spi.ChangeSink.Target;
import io.tidemark.core.spi.RowChange;
import io.tidemark.core.spi.TableSink;
import java.util.List;

/**
 * One opened table of a {@link JdbcChangeSink}: each write borrows a pooled connection and runs one
 * fenced transaction that carries the rows together with the table's progress mark or position in
 * the metadata tables, under the table's metadata key ({@link PreparedTables#key}).
 */
final class JdbcTableSink implements TableSink {
  private final SinkContext sink;
  private final BatchWriter writer;
  private final ShadowSwap swap;
  private final TableMapping mapping;
  private final Target target;
  private final String key;

  JdbcTableSink(
      SinkContext sink, BatchWriter writer, ShadowSwap swap, TableMapping mapping, Target target) {
    this.sink = sink;
    this.writer = writer;
    this.swap = swap;
    this.mapping = mapping;
    this.target = target;
    this.key = PreparedTables.key(mapping.collection(), target);
  }

  @Override
  public TableMapping mapping() {
    return mapping;
  }

  @Override
  public Target target() {
    return target;
  }

  private String collection() {
    return mapping.collection();
  }

  @Override
  public CollectionProgress loadProgress() {
    return sink.transactions()
        .run(
            c -> sink.meta().readProgress(c, key),
            () ->
                "read the committed progress of table "
                    + table()
                    + " of collection '"
                    + collection()
                    + "' from metadata schema "
                    + sink.meta().schema());
  }

  @Override
  public void beginSnapshot(ClusterTime startTime, long estimatedRows, List<String> splitKeys) {
    // A rebuild's copy empties the shadow's tables first: DDL.
    sink.transactions()
        .runDdl(
            c -> {
              sink.fence(c);
              if (target == Target.SHADOW) {
                TableMapping shadow = sink.tables().get(key).mapping();
                SinkContext.execute(c, sink.dialect().truncateTable(sink.schema(), shadow.table()));
                for (ChildTable child : shadow.childTables()) {
                  SinkContext.execute(
                      c, sink.dialect().truncateTable(sink.schema(), child.table()));
                }
              }
              sink.meta().startSnapshot(c, key, startTime, estimatedRows, splitKeys);
              return null;
            },
            () ->
                "record the start of the copy of collection '"
                    + collection()
                    + "' into "
                    + table()
                    + " at "
                    + startTime);
  }

  @Override
  public void writeSnapshotChunk(
      int range, List<RowChange> rows, String markAfterLast, boolean rangeDone) {
    TableStatements statements = sink.tables().get(key);
    ChangeBatch batch = ChangeBatch.of(rows, statements);
    writer.write(
        key,
        batch,
        (c, table, upsertRows) -> {
          // A copied document has no row and no child rows yet.
          sink.rowWrites().bulkInsert(c, table, batch.upserts, upsertRows);
          sink.rowWrites().deleteKeys(c, table, batch.deleteKeys);
          sink.meta().insertDeadLetters(c, key, null, batch);
          sink.meta().markSnapshot(c, key, range, markAfterLast, rows.size(), rangeDone);
        },
        () ->
            "copy a snapshot chunk of range "
                + range
                + ", "
                + rows.size()
                + " rows ("
                + batch.describe()
                + ") into "
                + statements.describeTables()
                + " for collection '"
                + collection()
                + "' (resume mark after it: "
                + markAfterLast
                + (rangeDone ? ", the range's last chunk" : "")
                + ")");
  }

  @Override
  public void finishSnapshot(Position streamStart, ClusterTime copyEndTime) {
    sink.transactions()
        .run(
            c -> {
              sink.fence(c);
              sink.meta().finishSnapshot(c, key, copyEndTime);
              sink.meta().moveCheckpoint(c, key, streamStart);
              return null;
            },
            () ->
                "record the end of the copy of collection '"
                    + collection()
                    + "' into "
                    + table()
                    + " (stream start "
                    + streamStart.clusterTime()
                    + ", copy ended at "
                    + copyEndTime
                    + ")");
  }

  @Override
  public void applyBatch(List<RowChange> changes, Position position) {
    TableStatements statements = sink.tables().get(key);
    ChangeBatch batch = ChangeBatch.of(changes, statements);
    writer.write(
        key,
        batch,
        (c, table, upsertRows) -> {
          sink.rowWrites().apply(c, table, batch, upsertRows);
          sink.meta().insertDeadLetters(c, key, position.token(), batch);
          sink.meta().moveCheckpoint(c, key, position);
        },
        () ->
            batch.describeApply(changes.size(), statements, collection())
                + " up to source time "
                + position.clusterTime());
  }

  @Override
  public void swapIn() {
    requireShadow("swapIn");
    swap.swap(mapping);
  }

  @Override
  public void discard() {
    requireShadow("discard");
    swap.discard(mapping);
  }

  private void requireShadow(String method) {
    if (target != Target.SHADOW) {
      throw new IllegalStateException(
          method + " is for a rebuild's shadow table, not live table " + mapping.table());
    }
  }
}
