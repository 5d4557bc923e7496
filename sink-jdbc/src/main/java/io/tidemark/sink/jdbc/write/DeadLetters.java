package io.tidemark.sink.jdbc.write;

import io.tidemark.core.spi.ChangeSink.Target;
import io.tidemark.core.spi.RowChange;
import java.util.ArrayList;
import java.util.List;

/**
 * A collection's dead letters: documents that could not be written, stored with their reason in the
 * metadata schema. Read page by page, and replayed into the live table once fixed.
 */
final class DeadLetters {
  private final SinkContext sink;
  private final BatchWriter writer;

  DeadLetters(SinkContext sink, BatchWriter writer) {
    this.sink = sink;
    this.writer = writer;
  }

  List<JdbcChangeSink.DeadLetterEntry> read(String collection, long afterId, int limit) {
    return sink.transactions()
        .run(
            c -> {
              List<JdbcChangeSink.DeadLetterEntry> page = new ArrayList<>();
              sink.meta()
                  .readDeadLetters(
                      c,
                      collection,
                      afterId,
                      limit,
                      (id, key, document, reason) ->
                          page.add(new JdbcChangeSink.DeadLetterEntry(id, key, document, reason)));
              return page;
            },
            () -> "read the dead letters of collection '" + collection + "'");
  }

  /**
   * Writes replayed documents to the live table (opened before) and forgets their dead letters, in
   * one transaction; the collection's position is not moved.
   */
  void replay(String collection, List<RowChange> changes, long[] replayedIds) {
    String key = PreparedTables.key(collection, Target.LIVE);
    TableStatements statements = sink.tables().get(key);
    ChangeBatch batch = ChangeBatch.of(changes, statements);
    writer.write(
        key,
        batch,
        (c, table, upsertRows) -> {
          sink.rowWrites().apply(c, table, batch, upsertRows);
          sink.meta().deleteDeadLetters(c, replayedIds);
        },
        () ->
            "replay "
                + replayedIds.length
                + " dead letters ("
                + batch.describe()
                + ") into "
                + statements.describeTables()
                + " for collection '"
                + collection
                + "'");
  }
}
