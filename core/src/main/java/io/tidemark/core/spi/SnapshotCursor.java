package io.tidemark.core.spi;

import io.tidemark.core.event.SourceDocument;

/** Documents of a collection in key order, for the initial copy. Used by one thread; close it. */
public interface SnapshotCursor extends AutoCloseable {

  /** The next document, or null at the end of the collection. */
  SourceDocument next();

  /**
   * An opaque mark of the last document returned by {@link #next()}; passing it to {@link
   * CollectionSource#openSnapshot(String)} continues right after that document.
   */
  String markAfterLast();

  @Override
  void close();
}
