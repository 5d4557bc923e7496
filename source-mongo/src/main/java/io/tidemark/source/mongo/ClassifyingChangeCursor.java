package io.tidemark.source.mongo;

import io.tidemark.core.event.ChangeEvent;
import io.tidemark.core.position.Position;
import io.tidemark.core.spi.ChangeCursor;

/** Turns driver failures of a change cursor into classified Tidemark errors. */
final class ClassifyingChangeCursor implements ChangeCursor {
  private final ChangeCursor delegate;
  private final String collection;

  ClassifyingChangeCursor(ChangeCursor delegate, String collection) {
    this.delegate = delegate;
    this.collection = collection;
  }

  @Override
  public ChangeEvent tryNext() {
    try {
      return delegate.tryNext();
    } catch (RuntimeException e) {
      throw MongoErrors.classify(e, collection, "reading the change stream");
    }
  }

  @Override
  public Position position() {
    return delegate.position();
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
