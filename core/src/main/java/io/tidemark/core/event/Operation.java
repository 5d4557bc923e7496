package io.tidemark.core.event;

/** What a change event did to its collection. */
public enum Operation {
  INSERT,
  UPDATE,
  REPLACE,
  DELETE,
  /** The collection was dropped. Ends the collection's stream. */
  DROP,
  /** The collection was renamed. Ends the collection's stream. */
  RENAME,
  /** The source closed the stream (after a drop, rename or database drop). */
  INVALIDATE;

  /** True for the operations after which the collection's stream cannot go on by itself. */
  public boolean endsStream() {
    return this == DROP || this == RENAME || this == INVALIDATE;
  }

  /** True for the operations that carry the document's new full state. */
  public boolean carriesDocument() {
    return this == INSERT || this == UPDATE || this == REPLACE;
  }
}
