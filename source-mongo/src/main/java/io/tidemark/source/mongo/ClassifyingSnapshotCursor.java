package io.tidemark.source.mongo;

import io.tidemark.core.event.SourceDocument;
import io.tidemark.core.spi.SnapshotCursor;

/** Turns driver failures of a copy cursor into classified Tidemark errors. */
final class ClassifyingSnapshotCursor implements SnapshotCursor {
  private final SnapshotCursor delegate;
  private final String collection;

  ClassifyingSnapshotCursor(SnapshotCursor delegate, String collection) {
    this.delegate = delegate;
    this.collection = collection;
  }

  @Override
  public SourceDocument next() {
    try {
      return delegate.next();
    } catch (RuntimeException e) {
      throw MongoErrors.classify(e, collection, "reading documents for the copy");
    }
  }

  @Override
  public String markAfterLast() {
    return delegate.markAfterLast();
  }

  @Override
  public void close() {
    try {
      delegate.close();
    } catch (RuntimeException e) {
      // Closing a cursor on a dead connection fails; there is nothing left to release.
    }
  }
}
