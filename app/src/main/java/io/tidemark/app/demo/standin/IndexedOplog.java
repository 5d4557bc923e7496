package io.tidemark.app.demo.standin;

import de.bwaldvogel.mongo.backend.Cursor;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.aggregation.Aggregation;
import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;
import de.bwaldvogel.mongo.oplog.Oplog;
import io.tidemark.app.demo.standin.OplogEntry.Operation;
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
  // Entries older than this were dropped by truncateBefore; 0 while nothing was dropped.
  private volatile long horizon;
  private volatile boolean closed;

  IndexedOplog(Clock clock, CursorRegistry cursorRegistry, DocumentLookup documentLookup) {
    this.clock = clock;
    this.cursorRegistry = cursorRegistry;
    this.documentLookup = documentLookup;
    // The clock starts at "now" with increment 0, so that operationTime before the first write is
    // still a time that every later entry is after.
    this.lastTimestamp = clock.instant().getEpochSecond() << 32;
  }

  /** Appends one write with the next timestamp and wakes the change streams waiting for it. */
  synchronized OplogEntry append(
      Operation operation,
      String database,
      String collection,
      Object documentId,
      Document document,
      Document updateDescription) {
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
            updateDescription);
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
  void checkUnreadHistoryKept(long position, String namespace) {
    long horizon = this.horizon;
    if (horizon != 0 && Long.compareUnsigned(position + 1, horizon) < 0) {
      throw historyLost(namespace, position, horizon);
    }
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

  @Override
  public Cursor createCursor(
      Document changeStreamDocument, String namespace, Aggregation aggregation) {
    // One resume option only, with MongoDB's codes and texts
    // (src/mongo/db/pipeline/document_source_change_stream.cpp).
    if (changeStreamDocument.get("startAfter") != null
        && changeStreamDocument.get("resumeAfter") != null) {
      throw new MongoServerError(
          50865,
          "Location50865",
          "Do not specify both 'resumeAfter' and 'startAfter' in a $changeStream stage");
    }
    Object resumeToken = changeStreamDocument.get("startAfter");
    if (resumeToken == null) {
      resumeToken = changeStreamDocument.get("resumeAfter");
    }
    Object startAtOperationTime = changeStreamDocument.get("startAtOperationTime");
    if (resumeToken != null && startAtOperationTime != null) {
      throw new MongoServerError(
          40674,
          "Location40674",
          "Only one type of resume option is allowed, but multiple were found");
    }
    long position;
    if (resumeToken != null) {
      position = ChangeStreamCursor.timestampOf(resumeToken);
      // Like MongoDB, resuming needs the token's own entry to be still in the oplog.
      if (Long.compareUnsigned(position, horizon) < 0) {
        throw historyLost(namespace, position, horizon);
      }
    } else if (startAtOperationTime instanceof BsonTimestamp operationTime) {
      long start = operationTime.getValue();
      if (Long.compareUnsigned(start, horizon) < 0) {
        throw historyLost(namespace, start, horizon);
      }
      // Inclusive of events at the start time: the position is the last one the stream has passed.
      position = start == 0 ? 0 : start - 1;
    } else if (startAtOperationTime != null) {
      throw new MongoServerError(
          14,
          "TypeMismatch",
          "startAtOperationTime must be a timestamp, not " + startAtOperationTime.getClass());
    } else {
      position = lastTimestamp;
    }
    boolean lookUpFullDocument = "updateLookup".equals(changeStreamDocument.get("fullDocument"));
    int dot = namespace.indexOf('.');
    ChangeStreamCursor cursor =
        new ChangeStreamCursor(
            cursorRegistry.generateCursorId(),
            this,
            namespace.substring(0, dot),
            namespace.substring(dot + 1),
            position,
            lookUpFullDocument,
            aggregation.getStages().isEmpty() ? null : aggregation);
    cursorRegistry.add(cursor);
    return cursor;
  }

  private static MongoServerError historyLost(String namespace, long position, long horizon) {
    return new MongoServerError(
        CHANGE_STREAM_HISTORY_LOST,
        "ChangeStreamHistoryLost",
        "Resume of change stream on "
            + namespace
            + " was not possible, as the resume point may no longer be in the oplog: it is at "
            + describe(position)
            + " and the oldest kept entry is at or after "
            + describe(horizon));
  }

  private static String describe(long timestamp) {
    return "Timestamp(" + (timestamp >>> 32) + ", " + (timestamp & 0xFFFFFFFFL) + ")";
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
