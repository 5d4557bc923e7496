package io.tidemark.core.pipeline;

import io.tidemark.core.position.Position;

/**
 * Called at the phase boundaries of a collection, after the sink committed. Tests use it to provoke
 * races and faults at exact points (a network cut after the first chunk, a write between the copy
 * and the stream); operators' tooling may use it to observe progress.
 *
 * <p>Called on the collection's threads: an implementation must be quick, thread-safe and must not
 * throw.
 */
public interface PhaseListener {
  PhaseListener NONE = new PhaseListener() {};

  /**
   * A copy chunk and its resume mark were committed. With {@code snapshot.parallelism} above 1 it
   * is called from several copy threads at once.
   */
  default void copyChunkCommitted(String collection, long rowsCopied) {}

  /** The copy finished and the stream start position was committed. */
  default void copyFinished(String collection) {}

  /** A stream batch and its position were committed. */
  default void streamBatchCommitted(String collection, int events, Position position) {}

  /**
   * A sink commit has been running for {@code running} and the collection waits for it before it
   * starts another batch (see {@code StreamApplier}); called again at every report interval.
   */
  default void commitStillRunning(String collection, java.time.Duration running) {}
}
