package io.tidemark.app.bench;

import io.tidemark.app.bench.BenchWorkload.Kind;
import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.event.DocumentKey;
import io.tidemark.core.event.SourceDocument;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.Position;
import io.tidemark.core.spi.ChangeCursor;
import io.tidemark.core.spi.CollectionSource;
import io.tidemark.core.spi.SnapshotCursor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One generated collection: {@code snapshotRows} documents (ids {@code 0..snapshotRows-1}, version
 * 0) to copy, then a change stream made of workload phases that the benchmark releases one at a
 * time, so that each phase is timed from its release to its last commit.
 *
 * <p>Stream event {@code seq} (1-based) is event {@code (seq-1) % events} of phase {@code (seq-1) /
 * events}; its cluster time is {@code (BASE_SECONDS, seq)}. Positions are {@code gen:after:<seq>}
 * for an event and {@code gen:at:<seq>} for a start time: the sink stores them opaquely and hands
 * them back to {@link #openStream}. Thread-safe.
 */
public final class GeneratedCollection implements CollectionSource {
  /** The cluster time seconds of every generated event; the increment is the event's number. */
  static final long BASE_SECONDS = 1_735_689_600L;

  private static final String AFTER = "gen:after:";
  private static final String AT = "gen:at:";

  private final String name;
  private final BenchDocuments documents;
  private final BenchWorkload workload;
  private final long snapshotRows;
  private final List<Kind> phases;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition moreReleased = lock.newCondition();
  private volatile long releasedUpTo; // the last event number a cursor may return

  public GeneratedCollection(
      String name,
      BenchDocuments documents,
      BenchWorkload workload,
      long snapshotRows,
      List<Kind> phases) {
    this.name = name;
    this.documents = documents;
    this.workload = workload;
    this.snapshotRows = snapshotRows;
    this.phases = List.copyOf(phases);
  }

  @Override
  public String name() {
    return name;
  }

  BenchDocuments documents() {
    return documents;
  }

  BenchWorkload workload() {
    return workload;
  }

  List<Kind> phases() {
    return phases;
  }

  /** Lets cursors return the events of the next phase. @return events in that phase */
  public long releaseNextPhase() {
    lock.lock();
    try {
      long limit = (long) phases.size() * workload.events();
      releasedUpTo = Math.min(limit, releasedUpTo + workload.events());
      moreReleased.signalAll();
      return workload.events();
    } finally {
      lock.unlock();
    }
  }

  void releaseAll() {
    lock.lock();
    try {
      moreReleased.signalAll();
    } finally {
      lock.unlock();
    }
  }

  long releasedUpTo() {
    return releasedUpTo;
  }

  /** Waits up to {@code millis} for more events than {@code seen} to be released. */
  void awaitRelease(long seen, long millis) throws InterruptedException {
    long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
    lock.lock();
    try {
      while (releasedUpTo <= seen && nanos > 0) {
        nanos = moreReleased.awaitNanos(nanos);
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public ClusterTime captureOperationTime() {
    return new ClusterTime(BASE_SECONDS, releasedUpTo);
  }

  @Override
  public long estimatedDocumentCount() {
    return snapshotRows;
  }

  /**
   * Refused: a generated document's current state depends on every released event before it, and
   * the benchmark never verifies or replays dead letters, the only callers of a lookup.
   */
  @Override
  public List<SourceDocument> lookup(Collection<DocumentKey> keys) {
    throw new UnsupportedOperationException(
        "the benchmark's generated collection '"
            + name
            + "' keeps no documents to look up by key (asked for "
            + keys.size()
            + ")");
  }

  /** Even ranges: the generator knows its keys, as a sampling source would estimate them. */
  @Override
  public List<String> splitKeys(int ranges) {
    List<String> keys = new ArrayList<>();
    for (int i = 1; i < ranges && (long) i * snapshotRows / ranges > 0; i++) {
      keys.add(Long.toString((long) i * snapshotRows / ranges - 1));
    }
    return keys;
  }

  @Override
  public SnapshotCursor openSnapshot(
      ClusterTime readAtOrAfter, String resumeAfterKey, String upToKey) {
    long from = resumeAfterKey == null ? 0 : Long.parseLong(resumeAfterKey) + 1;
    long end = upToKey == null ? snapshotRows : Long.parseLong(upToKey) + 1;
    return new GeneratedSnapshotCursor(documents, from, end);
  }

  @Override
  public Position positionAt(ClusterTime time) {
    return new Position(AT + time.increment(), time);
  }

  static Position afterEvent(long seq) {
    return new Position(AFTER + seq, new ClusterTime(BASE_SECONDS, seq));
  }

  @Override
  public ChangeCursor openStream(Position from) {
    String token = from.token();
    long next;
    if (token.startsWith(AFTER)) {
      next = Long.parseLong(token.substring(AFTER.length())) + 1;
    } else if (token.startsWith(AT)) {
      next = Math.max(1, Long.parseLong(token.substring(AT.length())));
    } else {
      throw new TidemarkException(
          ErrorCode.SOURCE_FAILED,
          name
              + ": the stored position '"
              + token
              + "' was not written by the benchmark's generated source; drop the benchmark's"
              + " metadata schema and run again.");
    }
    return new GeneratedChangeCursor(this, next, from);
  }
}
