package io.tidemark.core.pipeline;

import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.event.ChangeEvent;
import io.tidemark.core.event.DocumentKey;
import io.tidemark.core.event.SourceDocument;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.Position;
import io.tidemark.core.spi.ChangeCursor;
import io.tidemark.core.spi.ChangeSource;
import io.tidemark.core.spi.CollectionSource;
import io.tidemark.core.spi.SnapshotCursor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * An in-memory source of one collection: documents in key order for the copy, and an append-only
 * list of change events for the stream. Tests may add events while the pipeline runs and inject one
 * failure into the copy or the stream.
 */
final class FakeSource implements ChangeSource, CollectionSource {
  private final String name;
  final NavigableMap<String, SourceDocument> documents = new ConcurrentSkipListMap<>();
  final List<ChangeEvent> events = new CopyOnWriteArrayList<>();
  final List<String> snapshotOpens = Collections.synchronizedList(new ArrayList<>());

  /** The time each snapshot cursor was asked to read at or after (the copy's T0). */
  final List<ClusterTime> snapshotReadTimes = Collections.synchronizedList(new ArrayList<>());

  final List<Position> streamOpens = Collections.synchronizedList(new ArrayList<>());
  private final Deque<ClusterTime> operationTimes = new ArrayDeque<>();
  private ClusterTime lastOperationTime = new ClusterTime(1, 0);

  /** What the stream reports as read when it has returned every event; null for nothing. */
  volatile Position idlePosition;

  /**
   * When true, an idle cursor reports a new, later position on every call, as a busy cluster's
   * post-batch resume token keeps advancing.
   */
  volatile boolean tickingIdle;

  private final java.util.concurrent.atomic.AtomicLong ticks =
      new java.util.concurrent.atomic.AtomicLong();

  /** The first snapshot cursor fails after returning this many documents; -1 for never. */
  volatile int failCopyAfter = -1;

  /** A snapshot cursor fails, once, when it is about to return the document with this key. */
  volatile String failCopyAtKey;

  private final java.util.concurrent.atomic.AtomicBoolean failedAtKey =
      new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * Thrown by the snapshot cursor's first {@code next()} when set: a failure that is no exception.
   */
  volatile Error copyError;

  /** Called with each document's key as a snapshot cursor returns it (on the reader's thread). */
  volatile java.util.function.Consumer<String> onSnapshotRead = key -> {};

  /** What {@link #splitKeys(int)} returns. */
  volatile List<String> splitKeys = List.of();

  /** The documents of every snapshot cursor, in the order each cursor returned them. */
  final List<List<String>> snapshotReads = new CopyOnWriteArrayList<>();

  /** The first stream cursor fails before the event at this index once the condition holds. */
  volatile int failStreamAt = -1;

  volatile BooleanSupplier failStreamWhen = () -> true;

  FakeSource(String name) {
    this.name = name;
  }

  FakeSource add(SourceDocument doc) {
    documents.put(doc.key().text(), doc);
    return this;
  }

  /** What {@link #exists()} answers; a test "creates" the collection by setting it. */
  volatile boolean exists = true;

  /** Sets the source's clock: {@link #captureOperationTime()} returns it from now on. */
  synchronized FakeSource clock(ClusterTime now) {
    operationTimes.clear();
    lastOperationTime = now;
    return this;
  }

  /** Times returned by {@link #captureOperationTime()}, in order; the last one repeats. */
  synchronized FakeSource operationTimes(ClusterTime... times) {
    operationTimes.addAll(List.of(times));
    return this;
  }

  @Override
  public CollectionSource collection(String collection) {
    if (!collection.equals(name)) {
      throw new IllegalArgumentException("no collection " + collection);
    }
    return this;
  }

  @Override
  public void close() {}

  @Override
  public String name() {
    return name;
  }

  @Override
  public synchronized ClusterTime captureOperationTime() {
    if (!operationTimes.isEmpty()) {
      lastOperationTime = operationTimes.removeFirst();
    }
    return lastOperationTime;
  }

  @Override
  public boolean exists() {
    return exists;
  }

  @Override
  public long estimatedDocumentCount() {
    return documents.size();
  }

  @Override
  public List<SourceDocument> lookup(Collection<DocumentKey> keys) {
    List<SourceDocument> found = new ArrayList<>();
    for (DocumentKey key : keys) {
      SourceDocument document = documents.get(key.text());
      if (document != null) {
        found.add(document);
      }
    }
    return found;
  }

  @Override
  public List<String> splitKeys(int ranges) {
    return splitKeys;
  }

  @Override
  public SnapshotCursor openSnapshot(
      ClusterTime readAtOrAfter, String resumeAfterKey, String upToKey) {
    boolean first = snapshotOpens.isEmpty();
    snapshotOpens.add(resumeAfterKey);
    snapshotReadTimes.add(readAtOrAfter);
    NavigableMap<String, SourceDocument> view =
        resumeAfterKey == null ? documents : documents.tailMap(resumeAfterKey, false);
    if (upToKey != null) {
      view = view.headMap(upToKey, true);
    }
    var it = new ArrayList<>(view.values()).iterator();
    List<String> read = new CopyOnWriteArrayList<>();
    snapshotReads.add(read);
    int failAfter = first ? failCopyAfter : -1;
    return new SnapshotCursor() {
      private int returned;
      private String last;

      @Override
      public SourceDocument next() {
        if (copyError != null) {
          throw copyError;
        }
        if (returned == failAfter) {
          throw new TidemarkException(
              ErrorCode.SOURCE_UNAVAILABLE, name + ": connection reset (test)");
        }
        if (!it.hasNext()) {
          return null;
        }
        SourceDocument doc = it.next();
        if (doc.key().text().equals(failCopyAtKey) && failedAtKey.compareAndSet(false, true)) {
          throw new TidemarkException(
              ErrorCode.SOURCE_UNAVAILABLE, name + ": connection reset at " + failCopyAtKey);
        }
        read.add(doc.key().text());
        onSnapshotRead.accept(doc.key().text());
        returned++;
        last = doc.key().text();
        return doc;
      }

      @Override
      public String markAfterLast() {
        return last;
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public Position positionAt(ClusterTime time) {
    return new Position("at:" + time.seconds() + "." + time.increment(), time);
  }

  @Override
  public ChangeCursor openStream(Position from) {
    boolean first = streamOpens.isEmpty();
    streamOpens.add(from);
    int start = startIndex(from);
    int failAt = first ? failStreamAt : -1;
    return new ChangeCursor() {
      private int next = start;
      private Position last;

      @Override
      public ChangeEvent tryNext() {
        if (next == failAt && failStreamWhen.getAsBoolean()) {
          throw new TidemarkException(
              ErrorCode.SOURCE_UNAVAILABLE, name + ": primary stepped down (test)");
        }
        if (next == failAt || next >= events.size()) {
          pause();
          return null;
        }
        ChangeEvent e = events.get(next++);
        last = e.position();
        return e;
      }

      @Override
      public Position position() {
        if (next >= events.size() && tickingIdle) {
          long n = ticks.incrementAndGet();
          return new Position("tick" + n, new ClusterTime(1000 + n, 0));
        }
        Position idle = idlePosition;
        if (next >= events.size() && idle != null && idle.isAfter(last)) {
          return idle;
        }
        return last;
      }

      @Override
      public void close() {}
    };
  }

  /** A start position is inclusive; an event's position resumes after that event. */
  private int startIndex(Position from) {
    if (from.token().startsWith("at:")) {
      for (int i = 0; i < events.size(); i++) {
        if (!from.clusterTime().isAfter(events.get(i).clusterTime())) {
          return i;
        }
      }
      return events.size();
    }
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).position().equals(from)) {
        return i + 1;
      }
    }
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).clusterTime().isAfter(from.clusterTime())) {
        return i;
      }
    }
    return events.size();
  }

  private static void pause() {
    try {
      Thread.sleep(2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
