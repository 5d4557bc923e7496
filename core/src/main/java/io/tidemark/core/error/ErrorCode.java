package io.tidemark.core.error;

/**
 * Every failure Tidemark reports has one of these codes. The code decides whether the engine may
 * retry on its own ({@link #retriable()}); the message of the exception says what, where and the
 * fix.
 */
public enum ErrorCode {
  /** The configuration file is malformed or fails validation. */
  CONFIG_INVALID(false),
  /** The source database cannot be reached right now (network, election, timeout). */
  SOURCE_UNAVAILABLE(true),
  /** The source refused an operation for a reason that retrying will not change. */
  SOURCE_FAILED(false),
  /** The stream position is no longer in the source's oplog: changes were lost to us. */
  HISTORY_LOST(false),
  /** The collection was dropped, renamed or its stream invalidated. */
  COLLECTION_INVALIDATED(false),
  /** The sink database cannot be reached right now. */
  SINK_UNAVAILABLE(true),
  /**
   * The sink database ended a statement because of other sessions' locks (deadlock, serialization
   * failure, lock timeout) or cancelled it (statement_timeout, an administrator); retrying after a
   * backoff succeeds once the other session is done.
   */
  SINK_CONFLICT(true),
  /** The sink refused a statement (constraint, permission, schema mismatch). */
  SINK_FAILED(false),
  /** A document value cannot be stored in its column and onError is fail. */
  MAPPING_FAILED(false),
  /** Another Tidemark process holds the pipeline's writer lock. */
  LOCK_HELD(false),
  /** A bug: an invariant of Tidemark itself did not hold. */
  INTERNAL(false);

  private final boolean retriable;

  ErrorCode(boolean retriable) {
    this.retriable = retriable;
  }

  /** True when the engine may retry the failed work after a backoff without operator action. */
  public boolean retriable() {
    return retriable;
  }
}
