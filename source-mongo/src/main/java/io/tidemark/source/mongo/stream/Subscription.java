package io.tidemark.source.mongo.stream;

import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.Position;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDocument;

/**
 * One reader's place in its database's shared stream ({@link DatabaseStream}): its queue, what its
 * saved position covers, and whether it must catch up on its own stream first. Every field is
 * guarded by the stream's lock: the reader reads them through the stream's methods.
 */
final class Subscription {

  /** A change waiting for its reader, with the bytes it holds on to. */
  record Queued(RawChangeStream.Change change, int bytes) {}

  final String collection;
  final ClusterTime from;
  final ArrayDeque<Queued> queue = new ArrayDeque<>();
  long bytes;
  boolean ended;
  // Skipping the changes at `from` up to the saved event (`savedEvent`, null: all of them).
  boolean skipping;
  private final BsonDocument savedEvent;
  final List<Queued> held = new ArrayList<>();
  boolean overflowed;
  RuntimeException failure;
  ClusterTime catchUpUntil;

  Subscription(String collection, Position position) {
    this.collection = collection;
    this.from = position.clusterTime();
    MongoPositions.Parsed parsed = MongoPositions.parse(position);
    switch (parsed.mode()) {
      case RESUME_AFTER -> {
        skipping = true;
        savedEvent = parsed.resumeToken();
      }
      case START_AFTER -> {
        skipping = true; // after an invalidate: nothing at its time is this reader's any more
        savedEvent = null;
      }
      default -> savedEvent = null; // a start time: everything from it on, inclusive
    }
  }

  /**
   * Queues a change, unless the reader's saved position covers it: while skipping, the changes at
   * its time are held until its saved event shows up, and then dropped with it. MongoDB does not
   * promise that an event has the same token on every kind of stream, so when the stream passes
   * that time without showing it, what was held is queued: a replay from the start of that time.
   */
  void offer(ClusterTime time, BsonDocument token, Queued change) {
    if (skipping && time.compareTo(from) > 0) {
      stopSkipping();
    }
    if (!skipping) {
      queue.add(change);
    } else if (savedEvent != null && savedEvent.equals(token)) {
      for (Queued covered : held) {
        bytes -= covered.bytes();
      }
      held.clear();
      skipping = false;
      return;
    } else if (savedEvent != null) {
      held.add(change);
    } else {
      return; // after an invalidate: everything at its time is skipped
    }
    bytes += change.bytes();
  }

  /** Ends the skipping: what was held is queued (its bytes are counted already). */
  void stopSkipping() {
    skipping = false;
    queue.addAll(held);
    held.clear();
  }

  boolean isIdle() {
    return queue.isEmpty() && failure == null && !overflowed;
  }

  /** Empties the queue; returns the bytes it held. */
  long clear() {
    long dropped = bytes;
    queue.clear();
    held.clear();
    bytes = 0;
    return dropped;
  }
}
