package io.tidemark.sink.jdbc.write;

import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.Position;
import io.tidemark.core.spi.ChangeSink.CollectionProgress;
import io.tidemark.core.spi.ChangeSink.RangeProgress;
import io.tidemark.core.spi.ChangeSink.SnapshotState;
import io.tidemark.sink.jdbc.dialect.SqlDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * Reads and writes one pipeline's rows in the metadata tables (checkpoint, snapshot, ranges, dead
 * letters, evolved columns). Every method runs in the caller's transaction, so the marks commit
 * with the rows they describe. Statements are built once. Thread-safe.
 */
final class MetadataTables {

  private final String pipeline;
  private final String schema;
  private final SqlDialect dialect;
  private final String upsertCheckpoint;
  private final String deleteCheckpoint;
  private final String upsertSnapshotStart;
  private final String insertSnapshotRanges;
  private final String deleteSnapshotRanges;
  private final String updateSnapshotMark;
  private final String selectSnapshotRanges;
  private final String updateSnapshotDone;
  private final String insertDeadLetters;
  private final String selectProgress;
  private final String selectEvolvedColumns;
  private final String upsertEvolvedColumn;
  private final List<String> deleteProgressRows;
  private final List<String> renameMetadataRows;
  private final String selectDeadLetters;
  private final String deleteDeadLetters;

  MetadataTables(SqlDialect dialect, String schema, String pipeline) {
    this.pipeline = pipeline;
    this.schema = schema;
    this.dialect = dialect;
    this.upsertCheckpoint = dialect.metadataSql().upsertCheckpoint(schema);
    this.deleteCheckpoint = dialect.metadataSql().deleteCheckpoint(schema);
    this.upsertSnapshotStart = dialect.metadataSql().upsertSnapshotStart(schema);
    this.insertSnapshotRanges = dialect.metadataSql().insertSnapshotRanges(schema);
    this.deleteSnapshotRanges = dialect.metadataSql().deleteSnapshotRanges(schema);
    this.updateSnapshotMark = dialect.metadataSql().updateSnapshotMark(schema);
    this.selectSnapshotRanges = dialect.metadataSql().selectSnapshotRanges(schema);
    this.updateSnapshotDone = dialect.metadataSql().updateSnapshotDone(schema);
    this.insertDeadLetters = dialect.metadataSql().insertDeadLetters(schema);
    this.selectProgress = dialect.metadataSql().selectProgress(schema);
    this.selectEvolvedColumns = dialect.metadataSql().selectEvolvedColumns(schema);
    this.upsertEvolvedColumn = dialect.metadataSql().upsertEvolvedColumn(schema);
    this.deleteProgressRows = dialect.metadataSql().deleteProgressRows(schema);
    this.renameMetadataRows = dialect.metadataSql().renameMetadataRows(schema);
    this.selectDeadLetters = dialect.metadataSql().selectDeadLetters(schema);
    this.deleteDeadLetters = dialect.metadataSql().deleteDeadLetters(schema);
  }

  /** The quoted schema name, for messages. */
  String schema() {
    return dialect.quoteIdentifier(schema);
  }

  /** Stores the position unless the stored one has a later cluster time. */
  void moveCheckpoint(Connection c, String collection, Position position) throws SQLException {
    ClusterTime time = position.clusterTime();
    try (PreparedStatement ps = c.prepareStatement(upsertCheckpoint)) {
      ps.setString(1, pipeline);
      ps.setString(2, collection);
      ps.setString(3, position.token());
      ps.setLong(4, time.packed());
      ps.setLong(5, time.seconds());
      ps.setLong(6, time.increment());
      ps.executeUpdate();
    }
  }

  /**
   * Sets the copy RUNNING from scratch with the ranges {@code splitKeys} make, and forgets the
   * stream position.
   */
  void startSnapshot(
      Connection c,
      String collection,
      ClusterTime startTime,
      long estimatedRows,
      List<String> splitKeys)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(upsertSnapshotStart)) {
      ps.setString(1, pipeline);
      ps.setString(2, collection);
      ps.setLong(3, startTime.packed());
      ps.setLong(4, estimatedRows);
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement(deleteSnapshotRanges)) {
      ps.setString(1, pipeline);
      ps.setString(2, collection);
      ps.executeUpdate();
    }
    List<String> lower = new ArrayList<>();
    List<String> upper = new ArrayList<>();
    for (int i = 0; i <= splitKeys.size(); i++) {
      lower.add(i == 0 ? null : splitKeys.get(i - 1));
      upper.add(i == splitKeys.size() ? null : splitKeys.get(i));
    }
    try (PreparedStatement ps = c.prepareStatement(insertSnapshotRanges)) {
      ps.setString(1, pipeline);
      ps.setString(2, collection);
      dialect.bindTextArray(ps, 3, lower.toArray(String[]::new));
      dialect.bindTextArray(ps, 4, upper.toArray(String[]::new));
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement(deleteCheckpoint)) {
      ps.setString(1, pipeline);
      ps.setString(2, collection);
      ps.executeUpdate();
    }
  }

  /**
   * Moves a range of the running copy to its new resume mark and adds the rows just copied.
   *
   * @throws TidemarkException {@link ErrorCode#INTERNAL} when the collection has no running copy or
   *     the range is unknown or already done
   */
  void markSnapshot(
      Connection c, String collection, int range, String mark, int rowsAdded, boolean done)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(updateSnapshotMark)) {
      ps.setString(1, mark);
      ps.setLong(2, rowsAdded);
      ps.setBoolean(3, done);
      ps.setString(4, pipeline);
      ps.setString(5, collection);
      ps.setInt(6, range);
      if (ps.executeUpdate() == 0) {
        throw noRunningCopy(collection, "record a copied chunk of range " + range);
      }
    }
  }

  /**
   * Marks the running copy DONE, but only when every one of its ranges is done.
   *
   * @throws TidemarkException {@link ErrorCode#INTERNAL} when the collection has no running copy,
   *     or naming the ranges that are not done
   */
  void finishSnapshot(Connection c, String collection, ClusterTime consistentAfter)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(updateSnapshotDone)) {
      ps.setLong(1, consistentAfter.packed());
      ps.setString(2, pipeline);
      ps.setString(3, collection);
      if (ps.executeUpdate() == 1) {
        return;
      }
    }
    List<RangeProgress> ranges = readRanges(c, collection);
    List<RangeProgress> unfinished = ranges.stream().filter(r -> !r.done()).toList();
    if (unfinished.isEmpty()) {
      throw noRunningCopy(collection, "finish the copy");
    }
    throw rangesNotDone(collection, ranges.size(), unfinished);
  }

  /** Records the batch's dead letters, if any, in one statement. */
  void insertDeadLetters(Connection c, String collection, String positionToken, ChangeBatch batch)
      throws SQLException {
    if (batch.deadLetters() == 0) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(insertDeadLetters)) {
      ps.setString(1, pipeline);
      ps.setString(2, collection);
      ps.setString(3, positionToken);
      dialect.bindTextArray(ps, 4, batch.deadLetterKeys);
      dialect.bindTextArray(ps, 5, batch.deadLetterDocuments);
      dialect.bindTextArray(ps, 6, batch.deadLetterReasons);
      ps.executeUpdate();
    }
  }

  /** The committed snapshot state, ranges and position of a collection. */
  CollectionProgress readProgress(Connection c, String collection) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(selectProgress)) {
      ps.setString(1, pipeline);
      ps.setString(2, collection);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return CollectionProgress.none();
        }
        String state = rs.getString(1);
        String token = rs.getString(6);
        if (state == null && token == null) {
          return CollectionProgress.none();
        }
        Optional<Position> position =
            token == null
                ? Optional.empty()
                : Optional.of(new Position(token, new ClusterTime(rs.getLong(7), rs.getLong(8))));
        if (state == null) {
          return new CollectionProgress(SnapshotState.NONE, null, 0, 0, null, position, List.of());
        }
        return new CollectionProgress(
            SnapshotState.valueOf(state),
            packedTime(rs, 2),
            rs.getLong(3),
            rs.getLong(4),
            packedTime(rs, 5),
            position,
            readRanges(c, collection));
      }
    }
  }

  private List<RangeProgress> readRanges(Connection c, String collection) throws SQLException {
    List<RangeProgress> ranges = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(selectSnapshotRanges)) {
      ps.setString(1, pipeline);
      ps.setString(2, collection);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ranges.add(
              new RangeProgress(
                  rs.getInt(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getBoolean(5)));
        }
      }
    }
    return ranges;
  }

  /** A collection's evolved columns, in the order they were added. */
  List<EvolvedColumn> readEvolvedColumns(Connection c, String collection) throws SQLException {
    List<EvolvedColumn> columns = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(selectEvolvedColumns)) {
      ps.setString(1, pipeline);
      ps.setString(2, collection);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String type = rs.getString(3);
          columns.add(
              new EvolvedColumn(
                  rs.getString(1),
                  rs.getString(2),
                  io.tidemark.core.mapping.SqlType.parse(type)
                      .orElseThrow(
                          () ->
                              new TidemarkException(
                                  ErrorCode.SINK_FAILED,
                                  "The metadata table "
                                      + schema()
                                      + ".evolved_column names type '"
                                      + type
                                      + "' for collection '"
                                      + collection
                                      + "', which Tidemark does not know; fix the row."))));
        }
      }
    }
    return columns;
  }

  /** Records an evolved column, or its new type, at its position in the table's evolved columns. */
  void recordEvolvedColumn(Connection c, String collection, EvolvedColumn column, int position)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(upsertEvolvedColumn)) {
      ps.setString(1, pipeline);
      ps.setString(2, collection);
      ps.setString(3, column.field());
      ps.setString(4, column.column());
      ps.setString(5, column.type().ddl());
      ps.setInt(6, position);
      ps.executeUpdate();
    }
  }

  /** Deletes a key's snapshot, range, checkpoint and evolved-column rows. */
  void deleteProgress(Connection c, String key) throws SQLException {
    for (String sql : deleteProgressRows) {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, pipeline);
        ps.setString(2, key);
        ps.executeUpdate();
      }
    }
  }

  /**
   * Moves every metadata row of one key to another (a rebuild's progress becoming the live one).
   */
  void moveRows(Connection c, String fromKey, String toKey) throws SQLException {
    for (String sql : renameMetadataRows) {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, toKey);
        ps.setString(2, pipeline);
        ps.setString(3, fromKey);
        ps.executeUpdate();
      }
    }
  }

  /** Receives one dead letter. */
  @FunctionalInterface
  interface DeadLetterReader {
    void read(long id, String documentKey, String document, String reason);
  }

  /** A page of a collection's dead letters, oldest first, after {@code afterId}. */
  void readDeadLetters(
      Connection c, String collection, long afterId, int limit, DeadLetterReader reader)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(selectDeadLetters)) {
      ps.setString(1, pipeline);
      ps.setString(2, collection);
      ps.setLong(3, afterId);
      ps.setInt(4, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          reader.read(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4));
        }
      }
    }
  }

  /** Forgets dead letters by id. */
  void deleteDeadLetters(Connection c, long[] ids) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(deleteDeadLetters)) {
      ps.setString(1, pipeline);
      ps.setObject(2, Arrays.stream(ids).boxed().toArray(Long[]::new));
      ps.executeUpdate();
    }
  }

  private static ClusterTime packedTime(ResultSet rs, int column) throws SQLException {
    long packed = rs.getLong(column);
    return rs.wasNull() ? null : ClusterTime.ofPacked(packed);
  }

  private TidemarkException rangesNotDone(
      String collection, int rangeCount, List<RangeProgress> unfinished) {
    StringJoiner described = new StringJoiner("; ");
    for (RangeProgress r : unfinished) {
      described.add(
          "range "
              + r.range()
              + " ("
              + "resume after "
              + (r.resumeAfter() == null ? "the start" : r.resumeAfter())
              + ", up to "
              + (r.upTo() == null ? "the end" : r.upTo())
              + ", "
              + r.rowsCopied()
              + " rows copied)");
    }
    return new TidemarkException(
        ErrorCode.INTERNAL,
        "Cannot finish the copy of collection '"
            + collection
            + "' in pipeline '"
            + pipeline
            + "': "
            + unfinished.size()
            + " of its "
            + rangeCount
            + " ranges are not done in "
            + schema()
            + ".snapshot_range: "
            + described
            + ". The copy stays RUNNING and resumes those ranges from their marks on the next"
            + " attempt; the engine must not finish a copy before every range is done.");
  }

  private TidemarkException noRunningCopy(String collection, String what) {
    return new TidemarkException(
        ErrorCode.INTERNAL,
        "Cannot "
            + what
            + " of collection '"
            + collection
            + "' in pipeline '"
            + pipeline
            + "': the metadata schema "
            + schema()
            + " has no running copy for it. beginSnapshot must come first; if the snapshot table"
            + " was changed by hand, start the copy again.");
  }
}
