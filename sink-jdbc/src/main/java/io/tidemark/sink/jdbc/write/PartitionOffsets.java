package io.tidemark.sink.jdbc.write;

import io.tidemark.sink.jdbc.dialect.SqlDialect;
import io.tidemark.sink.jdbc.write.PartitionConflictException.PartitionConflict;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * The SQL of the {@code partition_offset} table (migration V6): the offsets of the log partitions
 * that feed a pipeline, and the epochs that fence their writers. Rows are always locked in {@link
 * LogPartition} order, so two writers claiming or advancing overlapping partitions never deadlock.
 * PostgreSQL's SQL, like the rest of the sink.
 */
final class PartitionOffsets {
  private final String pipeline;
  private final String claim;
  private final String advance;
  private final String selectOne;
  private final String selectAll;

  PartitionOffsets(SqlDialect dialect, String schema, String pipeline) {
    this.pipeline = pipeline;
    String table = dialect.quoteIdentifier(schema) + ".partition_offset";
    String columns = "topic, kafka_partition, epoch, next_offset, records_applied, owner";
    this.claim =
        "INSERT INTO "
            + table
            + " AS p (pipeline, topic, kafka_partition, next_offset, epoch, owner, claimed_at,"
            + " updated_at) VALUES (?, ?, ?, NULL, 1, ?, now(), now())"
            + " ON CONFLICT (pipeline, topic, kafka_partition) DO UPDATE"
            + " SET epoch = p.epoch + 1, owner = EXCLUDED.owner, claimed_at = now()"
            + " RETURNING "
            + columns;
    // The row is updated first in the batch's transaction: its lock holds a claimer back until
    // the batch has committed or rolled back, so the claimer reads the offsets the batch wrote.
    this.advance =
        "UPDATE "
            + table
            + " SET next_offset = ?, records_applied = records_applied + ?, updated_at = now()"
            + " WHERE pipeline = ? AND topic = ? AND kafka_partition = ? AND epoch = ?"
            + " AND (next_offset IS NULL OR next_offset <= ?)";
    this.selectOne =
        "SELECT "
            + columns
            + " FROM "
            + table
            + " WHERE pipeline = ? AND topic = ? AND kafka_partition = ?";
    this.selectAll =
        "SELECT "
            + columns
            + " FROM "
            + table
            + " WHERE pipeline = ? ORDER BY topic, kafka_partition";
  }

  /** Gives the partitions a new epoch each, for {@code owner}, creating the rows of new ones. */
  List<PartitionClaim> claim(Connection c, Collection<LogPartition> partitions, String owner)
      throws SQLException {
    List<PartitionClaim> claims = new ArrayList<>(partitions.size());
    try (PreparedStatement ps = c.prepareStatement(claim)) {
      for (LogPartition partition : new TreeSet<>(partitions)) {
        ps.setString(1, pipeline);
        ps.setString(2, partition.topic());
        ps.setInt(3, partition.partition());
        ps.setString(4, owner);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          claims.add(read(rs));
        }
      }
    }
    return claims;
  }

  /**
   * Moves each partition's row to the batch's next offset, provided it still carries the writer's
   * epoch and no later offset.
   *
   * @throws PartitionConflictException naming each partition whose row did not match, after which
   *     the caller's transaction must roll back
   */
  void advance(Connection c, List<PartitionAdvance> advances) throws SQLException {
    List<PartitionAdvance> ordered = new ArrayList<>(advances);
    ordered.sort((a, b) -> a.partition().compareTo(b.partition()));
    List<PartitionConflict> conflicts = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(advance)) {
      for (PartitionAdvance a : ordered) {
        ps.setLong(1, a.nextOffset());
        ps.setLong(2, a.records());
        ps.setString(3, pipeline);
        ps.setString(4, a.partition().topic());
        ps.setInt(5, a.partition().partition());
        ps.setLong(6, a.epoch());
        ps.setLong(7, a.firstOffset());
        if (ps.executeUpdate() != 1) {
          conflicts.add(new PartitionConflict(a, readOne(c, a.partition())));
        }
      }
    }
    if (!conflicts.isEmpty()) {
      throw new PartitionConflictException(pipeline, conflicts);
    }
  }

  /** Every partition row of the pipeline, in partition order. */
  List<PartitionClaim> readAll(Connection c) throws SQLException {
    List<PartitionClaim> rows = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(selectAll)) {
      ps.setString(1, pipeline);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(read(rs));
        }
      }
    }
    return rows;
  }

  private PartitionClaim readOne(Connection c, LogPartition partition) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(selectOne)) {
      ps.setString(1, pipeline);
      ps.setString(2, partition.topic());
      ps.setInt(3, partition.partition());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          // Never claimed: no epoch can match. Reported as epoch 0, owned by nobody.
          return new PartitionClaim(partition, 0, null, 0, "nobody (never claimed)");
        }
        return read(rs);
      }
    }
  }

  private static PartitionClaim read(ResultSet rs) throws SQLException {
    long next = rs.getLong(4);
    Long nextOffset = rs.wasNull() ? null : next;
    return new PartitionClaim(
        new LogPartition(rs.getString(1), rs.getInt(2)),
        rs.getLong(3),
        nextOffset,
        rs.getLong(5),
        rs.getString(6));
  }
}
