package io.tidemark.sink.jdbc.write;

import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.spi.ChangeSink.Target;
import io.tidemark.core.spi.RowChange;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * Writes for a pipeline fed by a partitioned log (the Kafka Connect sink): each batch's rows and
 * the offsets of the partitions its records came from commit in one transaction, fenced per
 * partition by the epoch its writer claimed ({@link PartitionOffsets}), instead of the daemon's one
 * position per collection and one writer lock per pipeline.
 */
final class PartitionedWrites {
  private final SinkContext sink;
  private final BatchWriter writer;
  private final PartitionOffsets offsets;

  PartitionedWrites(SinkContext sink, BatchWriter writer, PartitionOffsets offsets) {
    this.sink = sink;
    this.writer = writer;
    this.offsets = offsets;
  }

  List<PartitionClaim> claim(Collection<LogPartition> partitions, String owner) {
    return sink.transactions()
        .run(
            c -> offsets.claim(c, partitions, owner),
            () ->
                "claim partitions "
                    + partitions
                    + " for "
                    + owner
                    + " in metadata schema "
                    + sink.meta().schema());
  }

  List<PartitionClaim> read() {
    return sink.transactions()
        .run(
            offsets::readAll,
            () -> "read the partition offsets in metadata schema " + sink.meta().schema());
  }

  /**
   * Applies the changes to the collection's live table and advances the partitions, in one
   * transaction.
   *
   * @return whether the rows went in by bulk load
   * @throws PartitionConflictException when a partition's row did not match (nothing committed)
   */
  boolean apply(
      String collection,
      List<RowChange> changes,
      List<PartitionAdvance> advances,
      boolean bulkFirst) {
    String key = PreparedTables.key(collection, Target.LIVE);
    TableStatements statements = sink.tables().get(key);
    ChangeBatch batch = ChangeBatch.of(changes, statements);
    String origin = origin(advances);
    AtomicBoolean bulk = new AtomicBoolean();
    writer.write(
        key,
        batch,
        (c, table, upsertRows) -> {
          // The partitions' rows first: their locks hold a new owner's claim back until this
          // transaction ends, and a mismatch ends it before any row is written.
          offsets.advance(c, advances);
          if (bulkFirst) {
            bulk.set(sink.rowWrites().applyBulkFirst(c, table, batch, upsertRows));
          } else {
            sink.rowWrites().apply(c, table, batch, upsertRows);
          }
          sink.meta().insertDeadLetters(c, key, origin, batch);
        },
        () -> batch.describeApply(changes.size(), statements, collection) + " from " + origin);
    return bulk.get();
  }

  /**
   * The whole documents the table stores (its {@code documentColumn}, as JSON) of the given keys;
   * keys without a row are absent from the result.
   */
  Map<String, String> storedDocuments(TableMapping mapping, Collection<String> keys) {
    String sql =
        "SELECT "
            + sink.dialect().quoteIdentifier(mapping.keyColumn())
            + ", "
            + sink.dialect().quoteIdentifier(mapping.documentColumn())
            + "::text FROM "
            + sink.dialect().qualify(sink.schema(), mapping.table())
            + " WHERE "
            + sink.dialect().quoteIdentifier(mapping.keyColumn())
            + " = ANY(?)";
    return sink.transactions()
        .run(
            c -> {
              Map<String, String> documents = new HashMap<>();
              try (PreparedStatement ps = c.prepareStatement(sql)) {
                sink.dialect().bindTextArray(ps, 1, keys.toArray(new String[0]));
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    documents.put(rs.getString(1), rs.getString(2));
                  }
                }
              }
              return documents;
            },
            () ->
                "read "
                    + keys.size()
                    + " stored documents of collection '"
                    + mapping.collection()
                    + "' from "
                    + mapping.table());
  }

  /** Where the batch's records came from, as dead letters record it: {@code topic-0@10..19}. */
  static String origin(List<PartitionAdvance> advances) {
    return "kafka "
        + advances.stream()
            .map(a -> a.partition() + "@" + a.firstOffset() + ".." + (a.nextOffset() - 1))
            .collect(Collectors.joining(","));
  }
}
