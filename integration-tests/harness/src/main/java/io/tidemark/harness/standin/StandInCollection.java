package io.tidemark.harness.standin;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.ArrayFilters;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;
import io.tidemark.harness.standin.OplogEntry.Operation;

/**
 * A memory collection that appends each write to the {@link IndexedOplog} while it still holds the
 * collection's lock, so that the oplog order is the order in which writes became visible (the stock
 * server logs an insert after releasing the lock).
 *
 * <p>It logs from the per-document hooks of the stock collection ({@code addDocument}, {@code
 * removeDocument}, {@code handleUpdate}); every write path goes through them, including upserts,
 * {@code findAndModify} (which the stock server does not log at all, where MongoDB's oplog "records
 * all operations that modify the data", manual: {@code core/replica-set-oplog}) and {@code $out}.
 * All of them run inside the collection's synchronized methods.
 */
final class StandInCollection extends MemoryCollection {

  private final IndexedOplog oplog;
  // Guarded by this: whether the update running now replaces whole documents (a "replace" event)
  // rather than applying operators (an "update" event); the per-document hook cannot tell.
  private boolean replacing;

  StandInCollection(
      MongoDatabase database,
      String collectionName,
      CollectionOptions options,
      CursorRegistry cursorRegistry,
      IndexedOplog oplog) {
    super(database, collectionName, options, cursorRegistry);
    this.oplog = oplog;
  }

  /** Whether writes to the named collection are logged: not the server's own system.* ones. */
  static boolean isLogged(String collectionName) {
    return !collectionName.startsWith("system.");
  }

  @Override
  public synchronized void addDocument(Document document) {
    super.addDocument(document);
    log(Operation.INSERT, document.get(getIdField()), document.cloneDeeply(), null);
  }

  @Override
  protected void removeDocument(Integer position) {
    Object id = getDocument(position).get(getIdField());
    super.removeDocument(position);
    log(Operation.DELETE, id, null, null);
  }

  @Override
  protected void handleUpdate(Integer position, Document oldDocument, Document newDocument) {
    super.handleUpdate(position, oldDocument, newDocument);
    Object id = newDocument.get(getIdField());
    if (replacing) {
      log(Operation.REPLACE, id, newDocument.cloneDeeply(), null);
    } else {
      log(Operation.UPDATE, id, null, UpdateDescriptions.between(oldDocument, newDocument));
    }
  }

  @Override
  public synchronized Document updateDocuments(
      Document selector,
      Document updateQuery,
      ArrayFilters arrayFilters,
      boolean isMulti,
      boolean isUpsert,
      Oplog ignored) {
    replacing = isReplacement(updateQuery);
    try {
      return super.updateDocuments(selector, updateQuery, arrayFilters, isMulti, isUpsert, oplog);
    } finally {
      replacing = false;
    }
  }

  @Override
  public synchronized Document findAndModify(Document query) {
    replacing = query.get("update") instanceof Document update && isReplacement(update);
    try {
      return super.findAndModify(query);
    } finally {
      replacing = false;
    }
  }

  /** A copy of the document with this {@code _id} as it is now, or null. */
  synchronized Document findCopy(Object id) {
    for (Document document : handleQuery(new Document(getIdField(), id), 0, 1)) {
      return document.cloneDeeply();
    }
    return null;
  }

  /**
   * A replacement has no update operators, and MongoDB reports it as a {@code replace} event, an
   * operator update as {@code update} ("replace: Full document replacement (e.g., replaceOne, or
   * update with a replacement document...)", {@code docs/change_stream_events.md} in {@code
   * mongodb/mongo}).
   */
  private static boolean isReplacement(Document update) {
    return update.keySet().stream().noneMatch(key -> key.startsWith("$"));
  }

  private void log(Operation operation, Object id, Document document, Document description) {
    oplog.append(operation, getDatabaseName(), getCollectionName(), id, document, description);
  }
}
