package io.tidemark.core.pipeline;

/**
 * Life of one collection in the engine.
 *
 * <pre>
 * NEW → SNAPSHOTTING → CATCHING_UP → STREAMING
 *            ↑ restart resumes the copy     ↘ FAILED (needs an operator) / STOPPED (shutdown)
 * </pre>
 *
 * A collection is consistent with its source only in STREAMING: CATCHING_UP means the stream has
 * not yet passed the time the copy finished.
 */
public enum CollectionState {
  NEW,
  SNAPSHOTTING,
  CATCHING_UP,
  STREAMING,
  /** Waiting to reconnect after a retriable failure. */
  RECONNECTING,
  REBUILDING,
  FAILED,
  STOPPED
}
