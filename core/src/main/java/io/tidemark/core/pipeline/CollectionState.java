package io.tidemark.core.pipeline;

/**
 * Life of one collection in the engine.
 *
 * <pre>
 * NEW (→ WAITING) → SNAPSHOTTING → CATCHING_UP → STREAMING ⇄ PAUSED
 *            ↑ restart resumes the copy     ↘ FAILED (needs an operator) / STOPPED (shutdown)
 * FAILED → REBUILDING (resnapshot) → STREAMING
 * </pre>
 *
 * A collection is consistent with its source only in STREAMING: CATCHING_UP means the stream has
 * not yet passed the time the copy finished. A rebuild of a streaming collection runs beside it
 * (the live state stays STREAMING; the status carries the rebuild's own progress); REBUILDING is
 * the state of a collection whose live stream cannot run until the rebuild is swapped in.
 */
public enum CollectionState {
  NEW,
  /**
   * The collection does not exist in the source yet (MongoDB creates it on its first insert): the
   * engine looks for it every few seconds and copies it, then streams, once it exists. Nothing is
   * wrong, unless the name is not expected to appear.
   */
  WAITING,
  SNAPSHOTTING,
  CATCHING_UP,
  STREAMING,
  /** Waiting to reconnect after a retriable failure. */
  RECONNECTING,
  /** Stopped by an operator; resumes from the committed position on request. */
  PAUSED,
  /** The live stream is down (e.g. history lost) and a rebuild will replace the table. */
  REBUILDING,
  FAILED,
  STOPPED
}
