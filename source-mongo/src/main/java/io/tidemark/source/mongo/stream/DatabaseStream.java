package io.tidemark.source.mongo.stream;

import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.Position;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One change stream for every configured collection of a database ({@code source.streamScope:
 * database}), shared by their readers: the server keeps one cursor and scans its oplog once, where
 * a stream per collection makes it scan the oplog once per collection.
 *
 * <p>There is no thread of its own. A reader whose queue is empty reads the next batch for everyone
 * ({@link #pull(Subscription)}) while the others wait for their queues; each change goes to the
 * queues of the collections it concerns, and each reader turns its changes into events on its own
 * thread ({@link SharedChangeCursor}).
 *
 * <p>Where the stream starts, and what each reader skips: at first, the stream waits up to {@link
 * #GATHER} for every expected collection to subscribe, then starts at the oldest of their
 * positions; each subscription drops what lies before its own position. A reader that subscribes
 * later, behind the stream, catches up on its collection's own stream and then switches to the
 * shared one ({@link SharedChangeCursor}). No reader ever holds the stream back: a queue that
 * outgrows its bound (a paused, slow or failed reader) is dropped and its reader goes back to its
 * own stream from its last event, so memory stays bounded and the others read on.
 *
 * <p>Thread-safe.
 */
public final class DatabaseStream {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseStream.class);

  /** How long a new stream waits for the expected collections before it starts without some. */
  static final Duration GATHER = Duration.ofSeconds(2);

  /**
   * Changes one pull routes at most: the rest of a large batch stays in the driver, so that the
   * reader who pulled empties its queue before the next pull and no queue grows by a whole batch.
   */
  static final int PULL_MAX_CHANGES = 256;

  /** Opens the database's change stream over these collections, at a time (inclusive). */
  @FunctionalInterface
  public interface Opener {
    RawChangeStream open(Set<String> collections, ClusterTime startAt);
  }

  private final String database;
  private final Opener opener;
  private final Duration maxAwait;
  private final LongSupplier nanoTime;

  /** Held by the one reader that reads the stream for everyone. */
  private final ReentrantLock reading = new ReentrantLock();

  /** Guards everything below; waited on by readers with an empty queue. */
  private final Object lock = new Object();

  private final Set<String> expected = new TreeSet<>();
  private final List<Subscription> subscriptions = new ArrayList<>();
  private RawChangeStream stream; // read only while holding `reading`
  private Set<String> streamCollections = Set.of();
  private boolean reopen; // a collection the open stream does not match has subscribed
  private ClusterTime routedThrough; // the time of the last change or batch end routed
  private ClusterTime lastChangeTime; // the time of the last change routed
  private long gatherStartedNanos;
  private final ChangeRouter router;
  private long streamsOpened;

  /**
   * @param database the database's name, for messages
   * @param opener opens the shared stream
   * @param maxAwait how long a reader waits for others to fill its queue before it reports none
   */
  public DatabaseStream(String database, Opener opener, Duration maxAwait) {
    this(database, opener, maxAwait, System::nanoTime);
  }

  DatabaseStream(String database, Opener opener, Duration maxAwait, LongSupplier nanoTime) {
    this.database = database;
    this.opener = opener;
    this.maxAwait = maxAwait;
    this.nanoTime = nanoTime;
    this.router = new ChangeRouter(database);
  }

  /** A collection that will subscribe: a new stream waits for it (up to {@link #GATHER}). */
  public void expect(String collection) {
    synchronized (lock) {
      expected.add(collection);
    }
  }

  /** The changes waiting in every reader's queue (for tests and diagnostics). */
  long queuedChanges() {
    synchronized (lock) {
      long changes = 0;
      for (Subscription s : subscriptions) {
        changes += s.queue.size() + s.held.size();
      }
      return changes;
    }
  }

  /** How many times the shared stream was opened (for tests and diagnostics). */
  public long streamsOpened() {
    synchronized (lock) {
      return streamsOpened;
    }
  }

  /**
   * Subscribes a reader of {@code collection} whose position lies at {@code from}: it is sent every
   * change of its collection at or after that time. When the stream has already passed that time,
   * the subscription {@linkplain #catchUpUntil says how far} the reader must read on its own first;
   * the changes after that point wait in its queue.
   */
  Subscription subscribe(String collection, Position position) {
    synchronized (lock) {
      expected.add(collection);
      Subscription s = new Subscription(collection, position);
      ClusterTime from = s.from;
      if (subscriptions.isEmpty() && stream == null) {
        gatherStartedNanos = nanoTime.getAsLong();
      }
      if (stream != null) {
        if (!streamCollections.contains(collection)) {
          reopen = true; // the stream opens again from routedThrough, matching this one too
        }
        // Changes at the very time the stream has reached may have gone by already.
        if (from.compareTo(routedThrough) < 0
            || (from.equals(routedThrough) && routedThrough.equals(lastChangeTime))) {
          s.catchUpUntil = routedThrough;
        }
      }
      subscriptions.add(s);
      return s;
    }
  }

  /** Ends a subscription; the last one closes the stream. */
  void unsubscribe(Subscription s) {
    synchronized (lock) {
      if (subscriptions.remove(s)) {
        router.dropped(s);
      }
      if (!subscriptions.isEmpty()) {
        return;
      }
    }
    reading.lock();
    try {
      synchronized (lock) {
        if (subscriptions.isEmpty()) {
          closeStream();
        }
      }
    } finally {
      reading.unlock();
    }
  }

  /**
   * Makes progress for a reader whose queue is empty: reads the next batch for everyone when no
   * other reader is doing so, else waits up to {@code maxAwait} for its queue to fill.
   */
  void pull(Subscription s) throws InterruptedException {
    if (reading.tryLock()) {
      try {
        readBatch();
      } finally {
        reading.unlock();
      }
      return;
    }
    synchronized (lock) {
      if (s.isIdle()) {
        lock.wait(maxAwait.toMillis());
      }
    }
  }

  /** The failure that ended the reader's stream, or null. */
  RuntimeException failure(Subscription s) {
    synchronized (lock) {
      return s.failure;
    }
  }

  /** Whether the reader's queue was dropped because it fell too far behind. */
  boolean overflowed(Subscription s) {
    synchronized (lock) {
      return s.overflowed;
    }
  }

  /**
   * How far the reader must read on its own stream before its queue takes over, or null when the
   * queue holds everything from its position on.
   */
  ClusterTime catchUpUntil(Subscription s) {
    synchronized (lock) {
      return s.catchUpUntil;
    }
  }

  /** The next change queued for a reader, or null. */
  Subscription.Queued poll(Subscription s) {
    synchronized (lock) {
      Subscription.Queued next = s.queue.poll();
      if (next != null) {
        s.bytes -= next.bytes();
        router.taken(next.bytes());
      }
      return next;
    }
  }

  /**
   * How far the stream has read for a reader whose queue is empty: every change of its collection
   * before this time has been handed to it. Null while its queue holds changes or nothing is known.
   * Read under the same lock as the routing, so that no change can slip in between.
   */
  ClusterTime idleThrough(Subscription s) {
    synchronized (lock) {
      if (!s.queue.isEmpty() || routedThrough == null || s.catchUpUntil != null) {
        return null;
      }
      return routedThrough.compareTo(s.from) > 0 ? routedThrough : null;
    }
  }

  /**
   * A reader that has caught up to {@link #catchUpUntil} on its own stream switches to its queue;
   * returns false when its queue overflowed meanwhile, and the reader must catch up further (to a
   * new {@code catchUpUntil}).
   */
  boolean finishCatchUp(Subscription s) {
    synchronized (lock) {
      if (s.overflowed) {
        s.overflowed = false;
        s.catchUpUntil = routedThrough;
        return false;
      }
      s.catchUpUntil = null;
      return true;
    }
  }

  /**
   * A reader whose queue overflowed goes back to its own stream; the changes from now on are queued
   * again, and it reads on its own until the time returned.
   */
  ClusterTime restartCatchUp(Subscription s) {
    synchronized (lock) {
      s.overflowed = false;
      s.catchUpUntil = routedThrough;
      return routedThrough;
    }
  }

  private void readBatch() throws InterruptedException {
    RawChangeStream current = openIfReady();
    if (current == null) {
      return;
    }
    List<RawChangeStream.Change> batch = new ArrayList<>();
    try {
      RawChangeStream.Change first = current.tryNext();
      if (first != null) {
        batch.add(first);
        while (batch.size() < PULL_MAX_CHANGES && current.available() > 0) {
          batch.add(current.tryNext());
        }
      }
    } catch (RuntimeException e) {
      failAll(e);
      return;
    }
    synchronized (lock) {
      for (RawChangeStream.Change change : batch) {
        route(change);
      }
      if (stream == current) {
        // The post-batch token: the stream has read this far, changes for nobody included.
        ClusterTime batchEnd = MongoPositions.decodeClusterTime(current.resumeToken());
        if (batchEnd != null && batchEnd.compareTo(routedThrough) > 0) {
          routedThrough = batchEnd;
        }
        for (Subscription s : subscriptions) {
          if (s.skipping && routedThrough.compareTo(s.from) > 0) {
            s.stopSkipping(); // its saved event never showed up: what was held is applied again
          }
        }
      }
      lock.notifyAll();
    }
  }

  /**
   * The open stream, opening it first when there is none and the gathering is over: at the oldest
   * position of the subscribed readers. A stream that cannot open there fails only the readers at
   * that oldest position (their history may be lost); the others stay for the next try.
   */
  private RawChangeStream openIfReady() throws InterruptedException {
    Set<String> collections;
    ClusterTime start;
    synchronized (lock) {
      if (stream != null && !reopen) {
        return stream;
      }
      if (stream != null) {
        start = routedThrough;
        closeStream();
      } else {
        start = oldestLiveStart();
        if (start == null) {
          return null;
        }
        if (!gathered()) {
          lock.wait(Math.min(100, maxAwait.toMillis()));
          return null;
        }
      }
      collections = Set.copyOf(expected);
    }
    RawChangeStream opened;
    try {
      opened = opener.open(collections, start);
    } catch (RuntimeException e) {
      failOldest(start, e);
      return null;
    }
    synchronized (lock) {
      stream = opened;
      streamCollections = collections;
      routedThrough = start;
      reopen = false;
      streamsOpened++;
      LOG.info(
          "database {}: one change stream for {} collection(s) from {}",
          database,
          collections.size(),
          start);
      return opened;
    }
  }

  private boolean gathered() {
    if (nanoTime.getAsLong() - gatherStartedNanos >= GATHER.toNanos()) {
      return true;
    }
    Set<String> subscribed = new TreeSet<>();
    for (Subscription s : subscriptions) {
      subscribed.add(s.collection);
    }
    return subscribed.containsAll(expected);
  }

  private ClusterTime oldestLiveStart() {
    ClusterTime oldest = null;
    for (Subscription s : subscriptions) {
      if (!s.ended && s.failure == null && (oldest == null || s.from.compareTo(oldest) < 0)) {
        oldest = s.from;
      }
    }
    return oldest;
  }

  /** Hands a change to the queues of the collections it concerns. Holds the lock. */
  private void route(RawChangeStream.Change change) {
    ClusterTime time = router.route(change, subscriptions);
    if (time.compareTo(routedThrough) > 0) {
      routedThrough = time;
    }
    lastChangeTime = time;
    if ("invalidate".equals(change.document().getOperationTypeString())) {
      closeStream(); // MongoDB closes a stream after its invalidate; its readers end with it
    }
  }

  /** The stream failed while open: every reader fails and opens again; a new stream gathers. */
  private void failAll(RuntimeException e) {
    synchronized (lock) {
      for (Subscription s : subscriptions) {
        s.failure = e;
      }
      closeStream();
      lock.notifyAll();
    }
  }

  private void failOldest(ClusterTime start, RuntimeException e) {
    synchronized (lock) {
      for (Subscription s : subscriptions) {
        if (s.from.equals(start)) {
          s.failure = e;
        }
      }
      lock.notifyAll();
    }
  }

  /** Holds the lock. */
  private void closeStream() {
    if (stream != null) {
      try {
        stream.close();
      } catch (RuntimeException e) {
        // A cursor on a dead connection cannot be closed; the server times it out.
      }
    }
    stream = null;
    streamCollections = Set.of();
    routedThrough = null;
    lastChangeTime = null;
    reopen = false;
    router.reset();
    gatherStartedNanos = nanoTime.getAsLong();
  }
}
