package io.tidemark.source.mongo.stream;

import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.SplitEvent;
import io.tidemark.core.position.ClusterTime;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.RawBsonDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each change of a database's shared stream ({@link DatabaseStream}) to the queues of the
 * readers it concerns, and keeps the queues bounded: a queue past {@link #QUEUE_MAX_CHANGES} or
 * {@link #QUEUE_MAX_BYTES}, or the longest one when all together pass {@link #TOTAL_MAX_BYTES}, is
 * dropped and its reader sent back to its own stream. Not thread-safe: used under the stream's
 * lock.
 */
final class ChangeRouter {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeRouter.class);

  /** Changes one queue may hold before its reader is sent back to its own stream. */
  static final int QUEUE_MAX_CHANGES = 4096;

  /** Bytes one queue may hold (at least one change, whatever its size). */
  static final long QUEUE_MAX_BYTES = 16L << 20;

  /** Bytes all queues together may hold; past it, the longest queue is dropped. */
  static final long TOTAL_MAX_BYTES = 64L << 20;

  private final String database;
  private long queuedBytes;
  private List<Subscription> splitTargets = List.of(); // where the fragments of a split event go

  ChangeRouter(String database) {
    this.database = database;
  }

  /**
   * Queues a change for the readers it concerns (the collection's, a rename's target's, or every
   * reader for {@code dropDatabase} and {@code invalidate}) that are not past it or done; returns
   * its cluster time.
   */
  ClusterTime route(RawChangeStream.Change change, List<Subscription> subscriptions) {
    ChangeStreamDocument<RawBsonDocument> document = change.document();
    ClusterTime time = timeOf(document);
    int bytes = sizeOf(document);
    boolean ends = "invalidate".equals(document.getOperationTypeString());
    for (Subscription s : targetsOf(document, subscriptions)) {
      if (s.ended || s.failure != null || s.overflowed || time.compareTo(s.from) < 0) {
        continue;
      }
      long before = s.bytes;
      s.offer(time, document.getResumeToken(), new Subscription.Queued(change, bytes));
      queuedBytes += s.bytes - before;
      if (ends) {
        s.ended = true;
      }
      if (s.queue.size() > 1 && (s.queue.size() > QUEUE_MAX_CHANGES || s.bytes > QUEUE_MAX_BYTES)) {
        overflow(s);
      }
    }
    while (queuedBytes > TOTAL_MAX_BYTES) {
      overflow(longestQueue(subscriptions));
    }
    return time;
  }

  /** A reader took a change of this many bytes from its queue. */
  void taken(long bytes) {
    queuedBytes -= bytes;
  }

  /** A reader left: its queue is dropped. */
  void dropped(Subscription s) {
    queuedBytes -= s.clear();
  }

  /** The stream closed: a split event in progress will not continue. */
  void reset() {
    splitTargets = List.of();
  }

  private List<Subscription> targetsOf(
      ChangeStreamDocument<RawBsonDocument> document, List<Subscription> subscriptions) {
    SplitEvent split = document.getSplitEvent();
    if (split != null && split.getFragment() > 1) {
      return splitTargets; // later fragments may lack ns: they go where the first went
    }
    String type = document.getOperationTypeString();
    List<Subscription> targets = new ArrayList<>();
    if ("dropDatabase".equals(type) || "invalidate".equals(type)) {
      targets.addAll(subscriptions);
    } else {
      String from = collectionOf(document.getNamespaceDocument());
      String to = collectionOf(document.getDestinationNamespaceDocument());
      for (Subscription s : subscriptions) {
        if (s.collection.equals(from) || s.collection.equals(to)) {
          targets.add(s);
        }
      }
    }
    if (split != null) {
      splitTargets = targets;
    }
    return targets;
  }

  private static String collectionOf(BsonDocument namespace) {
    return namespace != null && namespace.isString("coll")
        ? namespace.getString("coll").getValue()
        : null;
  }

  private static ClusterTime timeOf(ChangeStreamDocument<RawBsonDocument> document) {
    ClusterTime time = MongoPositions.timeOf(document);
    if (time == null) {
      throw new IllegalStateException("a change event without clusterTime or a readable token");
    }
    return time;
  }

  /** Roughly what a queued change holds on to: its document, or a small event. */
  private static int sizeOf(ChangeStreamDocument<RawBsonDocument> document) {
    RawBsonDocument full = document.getFullDocument();
    return 512 + (full == null ? 0 : full.getByteBuffer().remaining());
  }

  private void overflow(Subscription s) {
    queuedBytes -= s.clear();
    s.overflowed = true;
    LOG.info(
        "database {}: the reader of {} fell behind the shared change stream by over {} changes or"
            + " {} MB; it reads its collection's own stream until it catches up",
        database,
        s.collection,
        QUEUE_MAX_CHANGES,
        QUEUE_MAX_BYTES >> 20);
  }

  private static Subscription longestQueue(List<Subscription> subscriptions) {
    Subscription longest = subscriptions.get(0);
    for (Subscription s : subscriptions) {
      if (s.bytes > longest.bytes) {
        longest = s;
      }
    }
    return longest;
  }
}
