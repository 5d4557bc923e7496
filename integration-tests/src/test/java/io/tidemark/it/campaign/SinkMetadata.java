package io.tidemark.it.campaign;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads Tidemark's metadata tables (sink-jdbc's Flyway migrations V1 and V3: {@code
 * tidemark.checkpoint}, {@code tidemark.snapshot}) for the campaign's pipeline. Cluster times are
 * packed there as {@code seconds << 32 | increment}. Keys are collection names, or {@code
 * collection$rebuild} for a rebuild's shadow.
 */
final class SinkMetadata {
  private static final String CHECKPOINTS =
      "SELECT collection, cluster_time FROM tidemark.checkpoint WHERE pipeline = ?";
  private static final String RUNNING_COPIES =
      "SELECT collection, start_time FROM tidemark.snapshot WHERE pipeline = ? AND state = 'RUNNING'";

  private SinkMetadata() {}

  /** Every committed stream position, by key. */
  static Map<String, Long> checkpoints(Connection c) throws SQLException {
    return read(c, CHECKPOINTS);
  }

  /**
   * The oldest source time each key still needs from the oplog: its checkpoint, or the start time
   * of a copy still running (its stream will start there), whichever is older.
   */
  static Map<String, Long> positionsStillNeeded(Connection c) throws SQLException {
    Map<String, Long> out = read(c, CHECKPOINTS);
    read(c, RUNNING_COPIES).forEach((k, v) -> out.merge(k, v, Math::min));
    return out;
  }

  private static Map<String, Long> read(Connection c, String sql) throws SQLException {
    Map<String, Long> out = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, CampaignConfig.PIPELINE);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    return out;
  }
}
