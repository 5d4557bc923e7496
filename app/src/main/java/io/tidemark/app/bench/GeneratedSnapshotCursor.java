package io.tidemark.app.bench;

import io.tidemark.core.event.SourceDocument;
import io.tidemark.core.spi.SnapshotCursor;
import io.tidemark.source.mongo.convert.BsonSourceDocument;

/**
 * Documents {@code from..end-1} of a generated collection, in key order, each wrapped as the
 * MongoDB source wraps what the driver returns, so mapping costs what it costs in production.
 */
final class GeneratedSnapshotCursor implements SnapshotCursor {
  private final BenchDocuments documents;
  private final long end;
  private long next;

  GeneratedSnapshotCursor(BenchDocuments documents, long from, long end) {
    this.documents = documents;
    this.next = from;
    this.end = end;
  }

  @Override
  public SourceDocument next() {
    if (next >= end) {
      return null;
    }
    return new BsonSourceDocument(documents.document(next++, 0));
  }

  /** The id of the last document returned; the copy resumes after it. */
  @Override
  public String markAfterLast() {
    return Long.toString(next - 1);
  }

  @Override
  public void close() {}
}
