package io.tidemark.app.bench;

import io.tidemark.app.bench.BenchWorkload.Change;
import io.tidemark.core.event.ChangeEvent;
import io.tidemark.core.event.DocumentKey;
import io.tidemark.core.event.Operation;
import io.tidemark.core.position.Position;
import io.tidemark.core.spi.ChangeCursor;
import io.tidemark.source.mongo.convert.BsonSourceDocument;
import io.tidemark.source.mongo.convert.DocumentKeys;
import org.bson.BsonObjectId;

/**
 * The change stream of a generated collection: the released events, in order, built as the MongoDB
 * source builds them (full document for inserts and updates, key only for deletes). When nothing is
 * released it waits briefly, as a MongoDB getMore does, and returns null. One thread.
 */
final class GeneratedChangeCursor implements ChangeCursor {
  /** How long {@link #tryNext()} waits for a release before returning null. */
  private static final long IDLE_WAIT_MILLIS = 50;

  private final GeneratedCollection collection;
  private long next;
  private Position position;

  GeneratedChangeCursor(GeneratedCollection collection, long next, Position from) {
    this.collection = collection;
    this.next = next;
    this.position = from;
  }

  @Override
  public ChangeEvent tryNext() {
    if (next > collection.releasedUpTo()) {
      try {
        collection.awaitRelease(next - 1, IDLE_WAIT_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
      if (next > collection.releasedUpTo()) {
        return null;
      }
    }
    long seq = next++;
    long events = collection.workload().events();
    int phase = (int) ((seq - 1) / events);
    Change change =
        collection.workload().change(collection.phases().get(phase), (seq - 1) % events);
    position = GeneratedCollection.afterEvent(seq);
    if (change.operation() == Operation.DELETE) {
      DocumentKey key = DocumentKeys.of(new BsonObjectId(BenchDocuments.objectId(change.id())));
      return new ChangeEvent(Operation.DELETE, key, null, position, null, null);
    }
    BsonSourceDocument document =
        new BsonSourceDocument(collection.documents().document(change.id(), change.version()));
    return new ChangeEvent(change.operation(), document.key(), document, position, null, null);
  }

  @Override
  public Position position() {
    return position;
  }

  @Override
  public void close() {}
}
