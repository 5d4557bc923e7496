package io.tidemark.source.mongo.stream;

import io.tidemark.core.event.ChangeEvent;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.Position;
import io.tidemark.core.spi.ChangeCursor;

/**
 * One collection's changes read from its database's shared stream ({@link DatabaseStream}). Behind
 * the shared stream (it subscribed late, or its queue overflowed), it reads its collection's own
 * stream until it has passed the point from which its queue holds every change, then closes that
 * stream and reads its queue. Where both streams hold the changes of one cluster time, those are
 * applied again: a replay from an earlier point of the stream, which applying tolerates.
 *
 * <p>Not thread-safe: one reader thread, as every {@link ChangeCursor}.
 */
public final class SharedChangeCursor implements ChangeCursor {

  /** Opens the collection's own stream from a position. */
  @FunctionalInterface
  public interface OwnStream {
    MongoChangeCursor open(Position from);
  }

  private final DatabaseStream shared;
  private final Subscription subscription;
  private final String collection;
  private final DocumentLookup lookup;
  private final OwnStream ownStream;
  private final Position start;
  private ChangeEvents events; // for the queued changes
  private MongoChangeCursor own; // while catching up
  private ClusterTime lastEventTime;

  /**
   * @param from where the reader stands: it gets every change of its collection after it
   * @param lookup reads a document by {@code _id} where an event could not carry it
   * @param ownStream opens the collection's own stream, to catch up on
   */
  public SharedChangeCursor(
      DatabaseStream shared,
      String collection,
      Position from,
      DocumentLookup lookup,
      OwnStream ownStream) {
    this.shared = shared;
    this.collection = collection;
    this.lookup = lookup;
    this.ownStream = ownStream;
    this.start = from;
    this.events = new ChangeEvents(collection, lookup, from.clusterTime());
    this.subscription = shared.subscribe(collection, from);
    if (shared.catchUpUntil(subscription) != null) {
      try {
        own = ownStream.open(from);
      } catch (RuntimeException e) {
        shared.unsubscribe(subscription);
        throw e;
      }
    }
  }

  @Override
  public ChangeEvent tryNext() {
    boolean pulled = false;
    while (true) {
      RuntimeException failure = shared.failure(subscription);
      if (failure != null) {
        throw failure;
      }
      if (own != null) {
        return nextOwn();
      }
      Subscription.Queued queued = shared.poll(subscription);
      if (queued != null) {
        ChangeEvent event = delivered(events.toEvent(queued.change()));
        if (event != null) {
          return event;
        }
        continue; // a fragment, or a kind Tidemark does not apply
      }
      if (shared.overflowed(subscription)) {
        catchUpFromLastEvent();
        continue;
      }
      if (pulled) {
        return null;
      }
      try {
        shared.pull(subscription);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
      pulled = true;
    }
  }

  /**
   * The next change of the collection's own stream, or null; once that stream has passed the point
   * where the queue takes over, it is closed and the queue read instead.
   */
  private ChangeEvent nextOwn() {
    while (own != null) {
      RawChangeStream.Change change = own.raw().tryNext();
      ClusterTime reached =
          change != null
              ? MongoPositions.timeOf(change.document())
              : MongoPositions.decodeClusterTime(own.raw().resumeToken());
      if (caughtUp(reached)) {
        return tryNext(); // this change, and all after it, are in the queue
      }
      if (change == null) {
        return null;
      }
      ChangeEvent event = delivered(own.events().toEvent(change));
      if (event != null) {
        return event;
      }
    }
    return tryNext();
  }

  /**
   * Whether the own stream has passed the catch-up point (strictly: changes at that very time may
   * be missing from the queue), outside a split event; if so the queue takes over. Only a write
   * after the catch-up point moves the own stream past it: in an idle database that stream stays
   * open until the next write, which a replica set's primary makes itself, a no-op every {@code
   * periodicNoopIntervalSecs} (10 s; {@code src/mongo/db/repl/noop_writer.cpp} of mongodb/mongo).
   */
  private boolean caughtUp(ClusterTime reached) {
    ClusterTime until = shared.catchUpUntil(subscription);
    if (reached == null
        || until == null
        || own.events().insideSplitEvent()
        || reached.compareTo(until) <= 0) {
      return false;
    }
    if (!shared.finishCatchUp(subscription)) {
      return false; // the queue overflowed meanwhile: catch up to its new start
    }
    own.close();
    own = null;
    events =
        new ChangeEvents(
            collection, lookup, lastEventTime != null ? lastEventTime : start.clusterTime());
    return true;
  }

  /**
   * The queue was dropped (this reader fell too far behind): read the own stream again from the
   * cluster time of the last event returned, inclusive, so nothing after it is missed.
   */
  private void catchUpFromLastEvent() {
    shared.restartCatchUp(subscription);
    Position from = lastEventTime == null ? start : MongoPositions.startAt(lastEventTime);
    own = ownStream.open(from);
  }

  private ChangeEvent delivered(ChangeEvent event) {
    if (event != null) {
      lastEventTime = event.clusterTime();
    }
    return event;
  }

  /**
   * On the own stream, its position; on the queue, when it is empty, the time the shared stream has
   * read through (a start time, inclusive, valid for either kind of stream).
   */
  @Override
  public Position position() {
    if (own != null) {
      return own.position();
    }
    if (events.insideSplitEvent()) {
      return null;
    }
    ClusterTime through = shared.idleThrough(subscription);
    return through == null ? null : MongoPositions.startAt(through);
  }

  @Override
  public void close() {
    try {
      if (own != null) {
        own.close();
      }
    } finally {
      shared.unsubscribe(subscription);
    }
  }
}
