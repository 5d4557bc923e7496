package io.tidemark.harness.standin;

import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;

/**
 * A memory database whose collections log their writes to the {@link IndexedOplog}; the server's
 * own {@code system.*} collections are not logged, which no change stream shows anyway (a database
 * stream matches collection names "NOT followed by '$' or 'system.'", {@code
 * getNsRegexForChangeStream} in {@code src/mongo/db/pipeline/document_source_change_stream.cpp}).
 */
final class StandInDatabase extends MemoryDatabase {

  // Null while the super constructor runs: it opens the server's system.* collections, which are
  // not logged anyway.
  private final IndexedOplog oplog;

  StandInDatabase(String databaseName, CursorRegistry cursorRegistry, IndexedOplog oplog) {
    super(databaseName, cursorRegistry);
    this.oplog = oplog;
  }

  @Override
  protected MemoryCollection openOrCreateCollection(
      String collectionName, CollectionOptions options) {
    if (oplog == null || !StandInCollection.isLogged(collectionName)) {
      return super.openOrCreateCollection(collectionName, options);
    }
    return new StandInCollection(this, collectionName, options, cursorRegistry, oplog);
  }
}
