package io.tidemark.sink.jdbc.dialect.postgres;

import io.tidemark.sink.jdbc.dialect.MetadataSql;
import java.util.List;

/** The metadata schema's statements in PostgreSQL; see {@link MetadataSql}. */
final class PostgresMetadataSql implements MetadataSql {
  /** Stateless: every statement is text made from its arguments. */
  static final PostgresMetadataSql INSTANCE = new PostgresMetadataSql();

  private PostgresMetadataSql() {}

  private static String qualify(String schema, String name) {
    return PostgresDialect.quote(schema) + "." + PostgresDialect.quote(name);
  }

  @Override
  public String upsertCheckpoint(String metadataSchema) {
    return "INSERT INTO "
        + qualify(metadataSchema, "checkpoint")
        + " AS c (pipeline, collection, position_token, cluster_time, cluster_seconds,"
        + " cluster_increment, updated_at) VALUES (?, ?, ?, ?, ?, ?, now())"
        + " ON CONFLICT (pipeline, collection) DO UPDATE SET"
        + " position_token = EXCLUDED.position_token, cluster_time = EXCLUDED.cluster_time,"
        + " cluster_seconds = EXCLUDED.cluster_seconds,"
        + " cluster_increment = EXCLUDED.cluster_increment, updated_at = EXCLUDED.updated_at"
        + " WHERE c.cluster_time <= EXCLUDED.cluster_time";
  }

  @Override
  public String deleteCheckpoint(String metadataSchema) {
    return "DELETE FROM "
        + qualify(metadataSchema, "checkpoint")
        + " WHERE pipeline = ? AND collection = ?";
  }

  @Override
  public String upsertSnapshotStart(String metadataSchema) {
    return "INSERT INTO "
        + qualify(metadataSchema, "snapshot")
        + " AS s (pipeline, collection, state, start_time, resume_mark, rows_copied,"
        + " rows_estimated, consistent_after, started_at, finished_at, updated_at)"
        + " VALUES (?, ?, 'RUNNING', ?, NULL, 0, ?, NULL, now(), NULL, now())"
        + " ON CONFLICT (pipeline, collection) DO UPDATE SET state = 'RUNNING',"
        + " start_time = EXCLUDED.start_time, resume_mark = NULL, rows_copied = 0,"
        + " rows_estimated = EXCLUDED.rows_estimated, consistent_after = NULL,"
        + " started_at = EXCLUDED.started_at, finished_at = NULL,"
        + " updated_at = EXCLUDED.updated_at";
  }

  @Override
  public String insertSnapshotRanges(String metadataSchema) {
    return "INSERT INTO "
        + qualify(metadataSchema, "snapshot_range")
        + " (pipeline, collection, range_no, resume_after, up_to)"
        + " SELECT CAST(? AS text), CAST(? AS text), CAST(u.n - 1 AS integer), u.after, u.up_to"
        + " FROM unnest(?::text[], ?::text[]) WITH ORDINALITY AS u(after, up_to, n)";
  }

  @Override
  public String deleteSnapshotRanges(String metadataSchema) {
    return "DELETE FROM "
        + qualify(metadataSchema, "snapshot_range")
        + " WHERE pipeline = ? AND collection = ?";
  }

  @Override
  public String updateSnapshotMark(String metadataSchema) {
    return "UPDATE "
        + qualify(metadataSchema, "snapshot_range")
        + " r SET resume_after = ?, rows_copied = r.rows_copied + ?, done = ?, updated_at = now()"
        + " WHERE r.pipeline = ? AND r.collection = ? AND r.range_no = ? AND NOT r.done"
        + " AND EXISTS (SELECT 1 FROM "
        + qualify(metadataSchema, "snapshot")
        + " s WHERE s.pipeline = r.pipeline AND s.collection = r.collection"
        + " AND s.state = 'RUNNING')";
  }

  @Override
  public String selectSnapshotRanges(String metadataSchema) {
    return "SELECT range_no, resume_after, up_to, rows_copied, done FROM "
        + qualify(metadataSchema, "snapshot_range")
        + " WHERE pipeline = ? AND collection = ? ORDER BY range_no";
  }

  @Override
  public String updateSnapshotDone(String metadataSchema) {
    return "UPDATE "
        + qualify(metadataSchema, "snapshot")
        + " s SET state = 'DONE', consistent_after = ?, finished_at = now(), updated_at = now()"
        + " WHERE s.pipeline = ? AND s.collection = ? AND s.state = 'RUNNING'"
        // Complete means complete (DESIGN.md invariant 8): checked where DONE is recorded, so no
        // engine bug can mark a copy done with a range never copied.
        + " AND NOT EXISTS (SELECT 1 FROM "
        + qualify(metadataSchema, "snapshot_range")
        + " r WHERE r.pipeline = s.pipeline AND r.collection = s.collection AND NOT r.done)";
  }

  @Override
  public String insertDeadLetters(String metadataSchema) {
    return "INSERT INTO "
        + qualify(metadataSchema, "dead_letter")
        + " (pipeline, collection, position_token, document_key, document, reason)"
        + " SELECT CAST(? AS text), CAST(? AS text), CAST(? AS text),"
        + " u.document_key, u.document, u.reason"
        + " FROM unnest(?::text[], ?::text[], ?::text[]) AS u(document_key, document, reason)"
        // One dead letter per document: a later refusal replaces the earlier one.
        + " ON CONFLICT (pipeline, collection, document_key) DO UPDATE SET"
        + " position_token = EXCLUDED.position_token, document = EXCLUDED.document,"
        + " reason = EXCLUDED.reason, created_at = EXCLUDED.created_at";
  }

  @Override
  public String selectProgress(String metadataSchema) {
    return "SELECT s.state, s.start_time,"
        + " (SELECT coalesce(sum(r.rows_copied), 0) FROM "
        + qualify(metadataSchema, "snapshot_range")
        + " r WHERE r.pipeline = k.pipeline AND r.collection = k.collection),"
        + " s.rows_estimated, s.consistent_after, c.position_token, c.cluster_seconds,"
        + " c.cluster_increment"
        + " FROM (SELECT CAST(? AS text) AS pipeline, CAST(? AS text) AS collection) k"
        + " LEFT JOIN "
        + qualify(metadataSchema, "snapshot")
        + " s ON s.pipeline = k.pipeline AND s.collection = k.collection"
        + " LEFT JOIN "
        + qualify(metadataSchema, "checkpoint")
        + " c ON c.pipeline = k.pipeline AND c.collection = k.collection";
  }

  @Override
  public String selectEvolvedColumns(String metadataSchema) {
    return "SELECT field, column_name, column_type FROM "
        + qualify(metadataSchema, "evolved_column")
        + " WHERE pipeline = ? AND collection = ? ORDER BY position";
  }

  @Override
  public String upsertEvolvedColumn(String metadataSchema) {
    return "INSERT INTO "
        + qualify(metadataSchema, "evolved_column")
        + " (pipeline, collection, field, column_name, column_type, position)"
        + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (pipeline, collection, field) DO UPDATE SET"
        + " column_name = EXCLUDED.column_name, column_type = EXCLUDED.column_type,"
        + " updated_at = now()";
  }

  @Override
  public List<String> renameMetadataRows(String metadataSchema) {
    return List.of(
        "UPDATE "
            + qualify(metadataSchema, "snapshot")
            + " SET collection = ? WHERE pipeline = ? AND collection = ?",
        "UPDATE "
            + qualify(metadataSchema, "snapshot_range")
            + " SET collection = ? WHERE pipeline = ? AND collection = ?",
        "UPDATE "
            + qualify(metadataSchema, "checkpoint")
            + " SET collection = ? WHERE pipeline = ? AND collection = ?",
        // A document has one dead letter: the rebuild's newer one replaces the live one.
        "DELETE FROM "
            + qualify(metadataSchema, "dead_letter")
            + " l WHERE l.collection = ? AND l.pipeline = ? AND EXISTS (SELECT 1 FROM "
            + qualify(metadataSchema, "dead_letter")
            + " s WHERE s.pipeline = l.pipeline AND s.collection = ?"
            + " AND s.document_key = l.document_key)",
        "UPDATE "
            + qualify(metadataSchema, "dead_letter")
            + " SET collection = ? WHERE pipeline = ? AND collection = ?",
        "UPDATE "
            + qualify(metadataSchema, "evolved_column")
            + " SET collection = ? WHERE pipeline = ? AND collection = ?");
  }

  @Override
  public List<String> deleteProgressRows(String metadataSchema) {
    return List.of(
        deleteSnapshotRanges(metadataSchema),
        "DELETE FROM "
            + qualify(metadataSchema, "snapshot")
            + " WHERE pipeline = ? AND collection = ?",
        deleteCheckpoint(metadataSchema),
        "DELETE FROM "
            + qualify(metadataSchema, "evolved_column")
            + " WHERE pipeline = ? AND collection = ?");
  }

  @Override
  public String claimWriterLease(String metadataSchema) {
    return "INSERT INTO "
        + qualify(metadataSchema, "writer_lock")
        + " AS w (pipeline, epoch, holder, host, pid, started_at, updated_at)"
        + " VALUES (?, 1, ?, ?, ?, now(), now())"
        + " ON CONFLICT (pipeline) DO UPDATE SET epoch = w.epoch + 1, holder = EXCLUDED.holder,"
        + " host = EXCLUDED.host, pid = EXCLUDED.pid, started_at = EXCLUDED.started_at,"
        + " updated_at = EXCLUDED.updated_at RETURNING epoch";
  }

  @Override
  public String selectWriterLease(String metadataSchema) {
    return "SELECT holder, host, pid, started_at, epoch FROM "
        + qualify(metadataSchema, "writer_lock")
        + " WHERE pipeline = ?";
  }

  @Override
  public String selectEpochForShare(String metadataSchema) {
    return "SELECT epoch FROM "
        + qualify(metadataSchema, "writer_lock")
        + " WHERE pipeline = ? FOR SHARE";
  }

  @Override
  public String selectDeadLetters(String metadataSchema) {
    return "SELECT id, document_key, document, reason FROM "
        + qualify(metadataSchema, "dead_letter")
        + " WHERE pipeline = ? AND collection = ? AND id > ? ORDER BY id LIMIT ?";
  }

  @Override
  public String deleteDeadLetters(String metadataSchema) {
    return "DELETE FROM "
        + qualify(metadataSchema, "dead_letter")
        + " WHERE pipeline = ? AND id = ANY(?::bigint[])";
  }

  // ---- the writer lock -----------------------------------------------------------------------

  /**
   * pg_locks shows a lock on one bigint key with its high half in classid, its low half in objid
   * and objsubid 1 (https://www.postgresql.org/docs/current/view-pg-locks.html).
   */
  private static final String ADVISORY_LOCK_OF_KEY =
      "l.locktype = 'advisory' AND l.granted AND l.objsubid = 1"
          + " AND l.database = (SELECT oid FROM pg_catalog.pg_database"
          + " WHERE datname = current_database())"
          + " AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended(?, 0)";

  @Override
  public String tryAdvisoryLock() {
    return "SELECT pg_try_advisory_lock(hashtextextended(?, 0))";
  }

  @Override
  public String selectAdvisoryLockHeld() {
    return "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_locks l WHERE l.pid = pg_backend_pid()"
        + " AND "
        + ADVISORY_LOCK_OF_KEY
        + ")";
  }

  @Override
  public String selectAdvisoryLockHolder() {
    return "SELECT a.pid, a.application_name, coalesce(host(a.client_addr), 'local socket'),"
        + " a.backend_start FROM pg_catalog.pg_locks l"
        + " JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid WHERE "
        + ADVISORY_LOCK_OF_KEY;
  }
}
