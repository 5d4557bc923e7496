package io.tidemark.harness.standin;

import de.bwaldvogel.mongo.backend.Cursor;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.aggregation.Aggregation;
import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;
import de.bwaldvogel.mongo.oplog.Oplog;
import io.tidemark.harness.standin.OplogEntry.Operation;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The stand-in's oplog: writes kept in memory in a map ordered by timestamp, so that a change
 * stream's getMore reads only the entries after its position. (The stock {@code
 * CollectionBackedOplog} keeps them in a collection and filters and sorts all of it on every
 * getMore, which slows a stream down as the oplog grows.)
 *
 * <p>Writes are appended by {@link StandInCollection} while it holds the collection's lock, so the
 * oplog order is the order in which writes became visible. The {@link Oplog} callbacks through
 * which the stock server reports writes are therefore no-ops here: the stock database reports an
 * insert only after releasing the collection's lock, which let a concurrent delete of the same
 * {@code _id} be logged first.
 *
 * <p>Threading: appending, truncating and waiting synchronize on this object, which keeps the clock
 * and the map in step (a reader can never see an entry before an older one is in the map). Readers
 * iterate the concurrent map without locking.
 */
final class IndexedOplog implements Oplog {

  /** Finds the current version of a document, for {@code fullDocument: updateLookup}. */
  interface DocumentLookup {
    /** Returns a copy of the document, or null when it (or its collection) no longer exists. */
    Document findCopy(String database, String collection, Object id);
  }

  static final int CHANGE_STREAM_HISTORY_LOST = 286;

  private final ConcurrentNavigableMap<Long, OplogEntry> entries =
      new ConcurrentSkipListMap<>(Long::compareUnsigned);
  private final Clock clock;
  private final CursorRegistry cursorRegistry;
  private final DocumentLookup documentLookup;

  // Written under this object's lock, read without it (operationTime of every reply).
  private volatile long lastTimestamp;
  // The oldest time the oplog holds: the start, later what truncateBefore kept from.
  private volatile long horizon;
  private volatile boolean closed;

  // A measuring instrument, not a behaviour: the entries change streams have read, as MongoDB's
  // slow-query log reports a getMore's docsExamined (manual: Database Profiler Output). A stream
  // reads every entry after its position, its collection's or not, as MongoDB's oplog scan does.
  private final java.util.concurrent.atomic.AtomicLong examined =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.Set<Long> opened = java.util.concurrent.ConcurrentHashMap.newKeySet();

  IndexedOplog(Clock clock, CursorRegistry cursorRegistry, DocumentLookup documentLookup) {
    this.clock = clock;
    this.cursorRegistry = cursorRegistry;
    this.documentLookup = documentLookup;
    // The clock starts at "now" with increment 0, so that operationTime before the first write is
    // still a time that every later entry is after.
    this.lastTimestamp = clock.instant().getEpochSecond() << 32;
    this.horizon = lastTimestamp;
  }

  /** Appends one write with the next timestamp and wakes the change streams waiting for it. */
  OplogEntry append(
      Operation operation,
      String database,
      String collection,
      Object documentId,
      Document document,
      Document updateDescription) {
    return append(operation, database, collection, documentId, document, updateDescription, null);
  }

  /** Appends a rename of {@code database.collection} to {@code targetNamespace}. */
  OplogEntry appendRename(String database, String collection, String targetNamespace) {
    return append(Operation.RENAME, database, collection, null, null, null, targetNamespace);
  }

  /** Appends the drop of a database, after the drops of its collections. */
  OplogEntry appendDropDatabase(String database) {
    return append(Operation.DROP_DATABASE, database, null, null, null, null, null);
  }

  /**
   * Appends a periodic no-op when the newest entry is still at {@code timestamp}: the check and the
   * write are one step, as {@code NoopWriter::_writeNoop} makes them under the global lock.
   */
  synchronized boolean appendNoopIfNewestIs(long timestamp) {
    if (lastTimestamp != timestamp) {
      return false;
    }
    append(Operation.NOOP, "", null, null, null, null, null);
    return true;
  }

  private synchronized OplogEntry append(
      Operation operation,
      String database,
      String collection,
      Object documentId,
      Document document,
      Document updateDescription,
      String targetNamespace) {
    // Like MongoDB: seconds from the wall clock, increment counting writes within the second; never
    // backwards, even if the wall clock is.
    long firstOfThisSecond = (clock.instant().getEpochSecond() << 32) | 1;
    long timestamp =
        Long.compareUnsigned(firstOfThisSecond, lastTimestamp) > 0
            ? firstOfThisSecond
            : lastTimestamp + 1;
    OplogEntry entry =
        new OplogEntry(
            timestamp,
            clock.instant(),
            operation,
            database,
            collection,
            documentId,
            document,
            updateDescription,
            targetNamespace);
    entries.put(timestamp, entry);
    lastTimestamp = timestamp;
    notifyAll();
    return entry;
  }

  /** The timestamp of the newest entry (or the start time, before the first write). */
  BsonTimestamp currentTime() {
    return new BsonTimestamp(lastTimestamp);
  }

  /** Entries newer than {@code position}, oldest first; a live view. */
  Collection<OplogEntry> entriesAfter(long position) {
    return entries.tailMap(position, false).values();
  }

  int size() {
    return entries.size();
  }

  /** Drops every entry older than {@code timestamp}, as a capped oplog does when it wraps. */
  synchronized void truncateBefore(long timestamp) {
    entries.headMap(timestamp, false).clear();
    if (Long.compareUnsigned(timestamp, horizon) > 0) {
      horizon = timestamp;
    }
  }

  /**
   * Fails an open stream if an entry it has not read yet may have been dropped: one newer than
   * {@code position} and older than the horizon.
   */
  void checkUnreadHistoryKept(long position) {
    if (Long.compareUnsigned(position + 1, horizon) < 0) {
      throw historyLost();
    }
  }

  /**
   * The oldest cluster time the oplog holds: the stand-in's start at first (a new replica set's
   * oplog begins when it is initiated), later the time {@link #truncateBefore} kept from.
   */
  long oldestTime() {
    return horizon;
  }

  /**
   * Waits until an entry newer than {@code position} exists, the wait is over or the oplog closes.
   */
  synchronized boolean awaitNewerThan(long position, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (!closed && Long.compareUnsigned(lastTimestamp, position) <= 0) {
      long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
      if (remainingMillis <= 0) {
        return false;
      }
      try {
        wait(remainingMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return !closed;
  }

  /** Wakes every waiting stream so that the server's threads can stop. */
  synchronized void close() {
    closed = true;
    notifyAll();
  }

  Document findCurrentDocument(String database, String collection, Object id) {
    return documentLookup.findCopy(database, collection, id);
  }

  /** Counts entries a change stream read. */
  void examined(int count) {
    examined.addAndGet(count);
  }

  /** The entries every change stream has read so far. */
  long entriesExamined() {
    return examined.get();
  }

  /** The change streams open now: opened and still in the server's registry of cursors. */
  long openChangeStreams() {
    opened.removeIf(id -> !registered(id));
    return opened.size();
  }

  private boolean registered(long cursorId) {
    try {
      return cursorRegistry.getCursor(cursorId) != null;
    } catch (RuntimeException e) {
      return false; // CursorNotFound: killed, exhausted or invalidated
    }
  }

  /**
   * Opens a change stream; {@link ChangeStreamRequest} has checked it, including that its start is
   * still in the oplog.
   */
  ChangeStreamCursor open(ChangeStreamRequest request, Aggregation stages) {
    ChangeStreamCursor cursor =
        new ChangeStreamCursor(cursorRegistry.generateCursorId(), this, request, stages);
    cursorRegistry.add(cursor);
    opened.add(cursor.getId());
    return cursor;
  }

  /**
   * The stock server opens change streams through here; the stand-in opens them itself ({@link
   * StandInBackend}), with the checks MongoDB makes.
   */
  @Override
  public Cursor createCursor(
      Document changeStreamDocument, String namespace, Aggregation aggregation) {
    throw new IllegalStateException("change streams are opened by StandInBackend");
  }

  /**
   * MongoDB's ChangeStreamHistoryLost, with its text ({@code
   * DocumentSourceChangeStreamCheckResumability::doGetNext}, {@code
   * src/mongo/db/pipeline/document_source_change_stream_check_resumability.cpp}).
   */
  static MongoServerError historyLost() {
    return new MongoServerError(
        CHANGE_STREAM_HISTORY_LOST,
        "ChangeStreamHistoryLost",
        "Resume of change stream was not possible, as the resume point may no longer be in the"
            + " oplog.");
  }

  // The stock server reports writes through the four callbacks below. Inserts, updates and deletes
  // are logged by StandInCollection under the collection's lock instead (see the class comment).

  @Override
  public void handleInsert(String namespace, List<Document> documents) {}

  @Override
  public void handleUpdate(
      String namespace, Document selector, Document query, List<Object> modifiedIds) {}

  @Override
  public void handleDelete(String namespace, Document query, List<Object> deletedIds) {}

  @Override
  public void handleDropCollection(String namespace) {
    int dot = namespace.indexOf('.');
    String collection = namespace.substring(dot + 1);
    if (!StandInCollection.isLogged(collection)) {
      return;
    }
    append(Operation.DROP, namespace.substring(0, dot), collection, null, null, null);
  }
}
