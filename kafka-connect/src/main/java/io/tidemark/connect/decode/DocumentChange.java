package io.tidemark.connect.decode;

import io.tidemark.core.event.DocumentKey;
import io.tidemark.core.event.SourceDocument;
import java.util.Objects;

/**
 * What one Kafka record says happened to one document of a collection, whichever connector wrote
 * it.
 *
 * @param collection the source collection the record is about
 * @param kind what to do with the collection's table
 * @param key the document's identity; null for {@link Kind#SKIP}
 * @param document the document's full state after the change, for {@link Kind#UPSERT}
 * @param snapshot whether the record is part of a connector's initial copy (Debezium's {@code op:
 *     r}): a run of such records goes to the table by bulk load first
 * @param note for {@link Kind#SKIP} and {@link Kind#UNAPPLICABLE}, why
 */
public record DocumentChange(
    String collection,
    Kind kind,
    DocumentKey key,
    SourceDocument document,
    boolean snapshot,
    String note) {

  /** What the record asks of the table. */
  public enum Kind {
    /** Insert or replace the document's row with {@link #document()}. */
    UPSERT,
    /** Delete the document's row. */
    DELETE,
    /**
     * A change the sink cannot apply as it stands: an update that carries only its delta, with no
     * full document to map. Parked as a dead letter (or stops the task) with {@link #note()}.
     */
    UNAPPLICABLE,
    /** Nothing to apply (a tombstone after a delete, a collection-level event). */
    SKIP
  }

  public DocumentChange {
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(kind, "kind");
    if (kind == Kind.UPSERT && document == null) {
      throw new IllegalArgumentException("an upsert carries its document");
    }
    if (kind != Kind.SKIP && key == null) {
      throw new IllegalArgumentException(kind + " without a document key");
    }
  }

  static DocumentChange upsert(String collection, SourceDocument document, boolean snapshot) {
    return new DocumentChange(collection, Kind.UPSERT, document.key(), document, snapshot, null);
  }

  static DocumentChange delete(String collection, DocumentKey key) {
    return new DocumentChange(collection, Kind.DELETE, key, null, false, null);
  }

  static DocumentChange unapplicable(String collection, DocumentKey key, String why) {
    return new DocumentChange(collection, Kind.UNAPPLICABLE, key, null, false, why);
  }

  static DocumentChange skip(String collection, String why) {
    return new DocumentChange(collection, Kind.SKIP, null, null, false, why);
  }
}
