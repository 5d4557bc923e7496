package io.tidemark.core.spi;

import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.Position;

/**
 * One source collection: what the engine needs to copy it and then follow its changes.
 *
 * <p>Thread-safe; every method may block on the network and throws {@link
 * io.tidemark.core.error.TidemarkException} with a retriable code when the source is unreachable.
 */
public interface CollectionSource {

  String name();

  /**
   * The source's current operation time. Captured before a copy starts so that a stream started at
   * this time sees every change the copy might miss.
   */
  ClusterTime captureOperationTime();

  /** A fast estimate of the document count, for progress and ETA. */
  long estimatedDocumentCount();

  /**
   * Opens a cursor over every document in key order, starting after {@code resumeAfterKey} (a mark
   * an earlier {@link SnapshotCursor#markAfterLast()} returned), or at the start when null.
   */
  SnapshotCursor openSnapshot(String resumeAfterKey);

  /** The stream position that starts at {@code time}, inclusive (the hand-off after a copy). */
  Position positionAt(ClusterTime time);

  /** Opens the collection's change stream after (or, for a start position, at) {@code from}. */
  ChangeCursor openStream(Position from);
}
