package io.tidemark.core.event;

import io.tidemark.core.position.Position;

/**
 * What a change stream reader hands to the writer: a change, or word that the stream has advanced
 * with nothing to apply (so that a quiet collection's checkpoint still moves).
 */
public sealed interface StreamItem permits ChangeEvent, StreamItem.Heartbeat {
  Position position();

  /** The stream has read up to {@code position} and found nothing for this collection. */
  record Heartbeat(Position position) implements StreamItem {}
}
