package io.tidemark.connect.decode;

import io.tidemark.core.event.DocumentKey;
import io.tidemark.core.event.SourceDocument;
import java.util.Objects;
import org.bson.RawBsonDocument;

/**
 * What one Kafka record says happened to one document of a collection, whichever connector wrote
 * it.
 *
 * @param collection the source collection the record is about
 * @param kind what to do with the collection's table
 * @param key the document's identity; null for {@link Kind#SKIP}
 * @param document the document's full state after the change, for {@link Kind#UPSERT}
 * @param bson the same document as BSON, the base a later {@link Kind#PATCH} of it applies to
 * @param delta what an update changed, for {@link Kind#PATCH}
 * @param snapshot whether the record is part of a connector's initial copy (Debezium's {@code op:
 *     r}): a run of such records goes to the table by bulk load first
 * @param note for {@link Kind#SKIP} and {@link Kind#UNAPPLICABLE}, why
 */
public record DocumentChange(
    String collection,
    Kind kind,
    DocumentKey key,
    SourceDocument document,
    RawBsonDocument bson,
    UpdateDelta delta,
    boolean snapshot,
    String note) {

  /** What the record asks of the table. */
  public enum Kind {
    /** Insert or replace the document's row with {@link #document()}. */
    UPSERT,
    /** Delete the document's row. */
    DELETE,
    /**
     * An update that carries only its delta ({@link #delta()}), no full document: applied to the
     * document as the table stores it (the mapping's {@code documentColumn}) or as an earlier
     * record of the batch left it. Without either it is a dead letter (or stops the task), with
     * {@link #note()} saying how to have full documents sent.
     */
    PATCH,
    /** Nothing to apply: a tombstone after a delete, an update whose document was gone. */
    SKIP,
    /**
     * A collection-level event (drop, rename, dropDatabase, invalidate): the table is left as it
     * is, and the writer logs it, since it may mean the table no longer matches the source.
     */
    IGNORED
  }

  public DocumentChange {
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(kind, "kind");
    if (kind == Kind.UPSERT && (document == null || bson == null)) {
      throw new IllegalArgumentException("an upsert carries its document");
    }
    if (kind == Kind.PATCH && delta == null) {
      throw new IllegalArgumentException("a patch carries its delta");
    }
    if (kind != Kind.SKIP && kind != Kind.IGNORED && key == null) {
      throw new IllegalArgumentException(kind + " without a document key");
    }
  }

  static DocumentChange upsert(
      String collection, SourceDocument document, RawBsonDocument bson, boolean snapshot) {
    return new DocumentChange(
        collection, Kind.UPSERT, document.key(), document, bson, null, snapshot, null);
  }

  static DocumentChange delete(String collection, DocumentKey key) {
    return new DocumentChange(collection, Kind.DELETE, key, null, null, null, false, null);
  }

  /**
   * @param fix how to have the source connector send full documents, for when the delta cannot be
   *     applied
   */
  static DocumentChange patch(String collection, DocumentKey key, UpdateDelta delta, String fix) {
    return new DocumentChange(collection, Kind.PATCH, key, null, null, delta, false, fix);
  }

  static DocumentChange skip(String collection, String why) {
    return new DocumentChange(collection, Kind.SKIP, null, null, null, null, false, why);
  }

  static DocumentChange ignored(String collection, String why) {
    return new DocumentChange(collection, Kind.IGNORED, null, null, null, null, false, why);
  }
}
