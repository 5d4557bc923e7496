package io.tidemark.core.spi;

import io.tidemark.core.event.DocumentKey;
import io.tidemark.core.event.SourceDocument;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.Position;
import java.util.Collection;
import java.util.List;

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

  /**
   * Whether the collection exists in the source now. MongoDB creates a collection on its first
   * insert, so a configured collection may not exist yet; the engine then waits for it ({@code
   * WAITING}) instead of copying. A source that cannot tell answers true.
   */
  default boolean exists() {
    return true;
  }

  /** A fast estimate of the document count, for progress and ETA. */
  long estimatedDocumentCount();

  /**
   * Up to {@code ranges - 1} keys that split the collection into about {@code ranges} ranges of
   * similar size, in key order, as marks {@link #openSnapshot(ClusterTime, String, String)}
   * accepts. May return fewer (a small collection, or a source that cannot split cheaply): the copy
   * then runs in fewer ranges.
   */
  default List<String> splitKeys(int ranges) {
    return List.of();
  }

  /**
   * Opens a cursor over the documents in key order that come after {@code resumeAfterKey} (a mark
   * an earlier {@link SnapshotCursor#markAfterLast()} or {@link #splitKeys(int)} returned; null for
   * the start of the collection) up to and including {@code upToKey} (null for the end).
   *
   * @param readAtOrAfter the copy's start time (T0): the cursor reads durable (majority-committed)
   *     data that includes every write up to this time, whichever server member answers, so that
   *     the copy and a stream started at T0 together miss nothing
   */
  SnapshotCursor openSnapshot(ClusterTime readAtOrAfter, String resumeAfterKey, String upToKey);

  /**
   * The documents that have these keys now, read from the source as it is (no point in time): the
   * document lookup that {@code tidemark verify} confirms a difference with and that dead-letter
   * replay reads a document's current state with. Keys with no document are left out; the order is
   * the source's. The caller bounds the number of keys (a few hundred at a time).
   */
  List<SourceDocument> lookup(Collection<DocumentKey> keys);

  /** The stream position that starts at {@code time}, inclusive (the hand-off after a copy). */
  Position positionAt(ClusterTime time);

  /** Opens the collection's change stream after (or, for a start position, at) {@code from}. */
  ChangeCursor openStream(Position from);
}
