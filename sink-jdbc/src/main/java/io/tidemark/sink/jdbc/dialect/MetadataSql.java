package io.tidemark.sink.jdbc.dialect;

import java.util.List;

/**
 * The SQL of Tidemark's own bookkeeping in one database's dialect: the metadata schema's stream
 * positions, copy progress and its ranges, dead letters, evolved columns and writer lease, and the
 * session lock that makes one process the pipeline's writer. Its tables are created by the schema's
 * migrations ({@code db/migration}); {@code MetadataTables} and the writer lock bind the parameters
 * in the order each method's Javadoc gives. Stateless and thread-safe.
 */
public interface MetadataSql {

  /**
   * Inserts or moves a checkpoint, never to an older cluster time. Parameters: pipeline,
   * collection, position_token, cluster_time (packed), cluster_seconds, cluster_increment.
   */
  String upsertCheckpoint(String metadataSchema);

  /** Parameters: pipeline, collection. */
  String deleteCheckpoint(String metadataSchema);

  /**
   * Starts or restarts a copy: state RUNNING, no mark, no rows copied. Parameters: pipeline,
   * collection, start_time (packed), rows_estimated.
   */
  String upsertSnapshotStart(String metadataSchema);

  /**
   * Records a new copy's key ranges, numbered from 0. Parameters: pipeline, collection, then two
   * text arrays of equal length: each range's lower bound (exclusive; null for the first) and upper
   * bound (inclusive; null for the last).
   */
  String insertSnapshotRanges(String metadataSchema);

  /** Forgets a collection's copy ranges. Parameters: pipeline, collection. */
  String deleteSnapshotRanges(String metadataSchema);

  /**
   * Moves one range's resume mark, adds to its row count and sets whether it is done; updates no
   * row when the copy is not RUNNING or the range is already done. Parameters: resume_after, rows
   * added, done, pipeline, collection, range_no.
   */
  String updateSnapshotMark(String metadataSchema);

  /**
   * A collection's copy ranges in order. Parameters: pipeline, collection. Columns: range_no,
   * resume_after, up_to, rows_copied, done.
   */
  String selectSnapshotRanges(String metadataSchema);

  /**
   * Marks a running copy DONE; updates no row when the copy is not RUNNING or any of its ranges is
   * not done. Parameters: consistent_after (packed), pipeline, collection.
   */
  String updateSnapshotDone(String metadataSchema);

  /**
   * Inserts many dead letters, replacing a document's earlier dead letter. Parameters: pipeline,
   * collection, position_token (may be null), then three text arrays: document_key, document,
   * reason.
   */
  String insertDeadLetters(String metadataSchema);

  /**
   * Reads a collection's snapshot row and checkpoint together; always one row. Parameters:
   * pipeline, collection. Columns: state, start_time, rows_copied (over all ranges),
   * rows_estimated, consistent_after, position_token, cluster_seconds, cluster_increment (nulls
   * where absent).
   */
  String selectProgress(String metadataSchema);

  /**
   * A collection's evolved columns in the order they were added: field, column_name, column_type.
   * Parameters: pipeline, collection.
   */
  String selectEvolvedColumns(String metadataSchema);

  /**
   * Records an evolved column or its new type. Parameters: pipeline, collection, field,
   * column_name, column_type, position.
   */
  String upsertEvolvedColumn(String metadataSchema);

  /**
   * Moves a collection's metadata rows (snapshot, ranges, checkpoint, dead letters, evolved
   * columns) from one collection key to another, one statement per table. Parameters: new key,
   * pipeline, old key.
   */
  List<String> renameMetadataRows(String metadataSchema);

  /**
   * Deletes a collection's snapshot, range, checkpoint and evolved-column rows, one statement per
   * table. Parameters: pipeline, collection.
   */
  List<String> deleteProgressRows(String metadataSchema);

  /**
   * Takes over the pipeline's lease: epoch + 1 and the holder's identity; returns the new epoch.
   * Parameters: pipeline, holder, host, pid.
   */
  String claimWriterLease(String metadataSchema);

  /**
   * The holder of a pipeline's lease: holder, host, pid, started_at, epoch. Parameter: pipeline.
   */
  String selectWriterLease(String metadataSchema);

  /**
   * The lease's epoch, read with a lock that keeps a new owner from taking over until this
   * transaction ends. Parameter: pipeline.
   */
  String selectEpochForShare(String metadataSchema);

  /**
   * A page of a collection's dead letters, oldest first: id, document_key, document, reason.
   * Parameters: pipeline, collection, id after, limit.
   */
  String selectDeadLetters(String metadataSchema);

  /** Deletes dead letters by id. Parameters: pipeline, bigint array of ids. */
  String deleteDeadLetters(String metadataSchema);

  // ---- the writer lock -----------------------------------------------------------------------

  /** Tries a session-level lock on a text key; one boolean column. Parameter: the key. */
  String tryAdvisoryLock();

  /**
   * Whether this session holds the lock of {@link #tryAdvisoryLock} on a key; one boolean column.
   * Parameter: the key.
   */
  String selectAdvisoryLockHeld();

  /**
   * The session holding the lock of {@link #tryAdvisoryLock} on a key: pid, application name,
   * client address, connection start; no row when nobody holds it. Parameter: the key.
   */
  String selectAdvisoryLockHolder();
}
