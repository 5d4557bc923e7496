package io.tidemark.core.event;

import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.Position;
import java.util.Objects;

/**
 * One change read from a collection's stream.
 *
 * @param operation what happened
 * @param key the changed document's identity; null for DROP, RENAME and INVALIDATE
 * @param document the document's full state after the change for INSERT, UPDATE and REPLACE; null
 *     otherwise
 * @param position where to resume to skip this event and everything before it
 * @param transaction the source transaction the change belongs to, or null
 * @param description a human-readable note for stream-ending events (e.g. the rename target)
 */
public record ChangeEvent(
    Operation operation,
    DocumentKey key,
    SourceDocument document,
    Position position,
    TransactionId transaction,
    String description)
    implements StreamItem {

  public ChangeEvent {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(position, "position");
    if (operation.carriesDocument() && document == null) {
      throw new IllegalArgumentException(operation + " event without its document at " + position);
    }
    if (!operation.endsStream() && key == null) {
      throw new IllegalArgumentException(
          operation + " event without a document key at " + position);
    }
  }

  public ClusterTime clusterTime() {
    return position.clusterTime();
  }

  /** Approximate size in bytes, used to bound queues and batches. */
  public int sizeInBytes() {
    return document == null ? 64 : document.sizeInBytes();
  }
}
