package io.tidemark.source.mongo;

import com.mongodb.ClientSessionOptions;
import com.mongodb.ReadConcern;
import com.mongodb.client.ChangeStreamIterable;
import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.FullDocument;
import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.event.DocumentKey;
import io.tidemark.core.event.SourceDocument;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.Position;
import io.tidemark.core.spi.ChangeCursor;
import io.tidemark.core.spi.CollectionSource;
import io.tidemark.core.spi.SnapshotCursor;
import io.tidemark.source.mongo.convert.BsonSourceDocument;
import io.tidemark.source.mongo.convert.BsonValues;
import io.tidemark.source.mongo.convert.KeyIds;
import io.tidemark.source.mongo.snapshot.KeyRangeFilter;
import io.tidemark.source.mongo.snapshot.MongoKeySplitter;
import io.tidemark.source.mongo.snapshot.MongoSnapshotCursor;
import io.tidemark.source.mongo.stream.DatabaseStream;
import io.tidemark.source.mongo.stream.LargeEvents;
import io.tidemark.source.mongo.stream.MongoChangeCursor;
import io.tidemark.source.mongo.stream.MongoPositions;
import io.tidemark.source.mongo.stream.RawChangeStream;
import io.tidemark.source.mongo.stream.SharedChangeCursor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;

/**
 * One MongoDB collection as a {@link CollectionSource}. Thread-safe.
 *
 * <p>The copy, the by-{@code _id} lookups and the change streams read with majority read concern,
 * whatever {@code source.uri} sets; the copy and the lookups also in a causally consistent session
 * advanced to T0 (or the event's time), so the driver sends {@code readConcern: {level: majority,
 * afterClusterTime: T}}. The URI's read preference is honoured: a secondary serves such a read only
 * once its majority-committed data has reached T (it waits), so a lagging secondary delays the copy
 * but never shortens it, and a write that a failover rolls back is never copied.
 */
final class MongoCollectionSource implements CollectionSource {
  private static final int SNAPSHOT_BATCH_SIZE = 2000;
  private static final int LOOKUP_BATCH_SIZE = 1000;

  private final MongoClient client;
  private final MongoDatabase database;

  /**
   * As {@code source.uri} configures reads: splitting and counting, where staleness is harmless.
   */
  private final MongoCollection<RawBsonDocument> collection;

  /** Majority read concern: the copy, the lookups and the streams. */
  private final MongoCollection<RawBsonDocument> majority;

  private final String name;
  private final Duration maxAwait;
  private final LargeEvents largeEvents;
  private final DatabaseStream databaseStream; // null: one stream per collection

  /**
   * @param largeEvents how the server's change streams get past an event over 16 MB
   * @param databaseStream the database's shared change stream, or null for a stream of its own
   */
  MongoCollectionSource(
      MongoClient client,
      MongoDatabase database,
      String name,
      Duration maxAwait,
      LargeEvents largeEvents,
      DatabaseStream databaseStream) {
    this.client = client;
    this.database = database;
    this.name = name;
    this.collection = database.getCollection(name, RawBsonDocument.class);
    this.majority = collection.withReadConcern(ReadConcern.MAJORITY);
    this.maxAwait = maxAwait;
    this.largeEvents = largeEvents;
    this.databaseStream = databaseStream;
  }

  @Override
  public String name() {
    return name;
  }

  /**
   * T0 is the position a change stream opened now has reached: the time of its first event, or else
   * the high-water mark of its first (empty) batch. A stream only ever passes majority-committed
   * oplog entries, with no earlier entry still to come, so every write at or before T0 is durable
   * and visible to a majority read after T0, and every write after it is in a stream started at T0.
   * An operationTime (of {@code ping}) gives no such promise: through mongos it is the router's
   * cluster time, which may be ahead of the shards ({@code src/mongo/s/commands/strategy.cpp}), and
   * on a replica set it can be ahead of an earlier-timestamped write not yet committed. See
   * docs/architecture.md, "Source reads: range filters, T0 and read preference".
   */
  @Override
  public ClusterTime captureOperationTime() {
    try (MongoChangeStreamCursor<ChangeStreamDocument<RawBsonDocument>> probe =
        majority.watch().maxAwaitTime(maxAwait.toMillis(), TimeUnit.MILLISECONDS).cursor()) {
      ChangeStreamDocument<RawBsonDocument> first = probe.tryNext();
      BsonTimestamp firstTime = first == null ? null : first.getClusterTime();
      if (firstTime != null) {
        return MongoPositions.clusterTime(firstTime);
      }
      BsonDocument highWaterMark = probe.getResumeToken();
      ClusterTime time = MongoPositions.decodeClusterTime(highWaterMark);
      if (time == null) {
        throw new TidemarkException(
            ErrorCode.SOURCE_FAILED,
            name
                + ": the change stream opened to fix the copy's start time reported no position"
                + " Tidemark can read (post-batch resume token "
                + (highWaterMark == null ? "missing" : highWaterMark.toJson())
                + "), so the copy cannot be handed off to the stream without a gap. Tidemark needs"
                + " a replica set or a sharded cluster of MongoDB 4.0.7 or later.");
      }
      return time;
    } catch (RuntimeException e) {
      throw MongoErrors.classify(e, name, "capturing the copy's start time from a change stream");
    }
  }

  @Override
  public long estimatedDocumentCount() {
    try {
      return collection.estimatedDocumentCount();
    } catch (RuntimeException e) {
      throw MongoErrors.classify(e, name, "counting documents");
    }
  }

  @Override
  public List<String> splitKeys(int ranges) {
    try {
      return new MongoKeySplitter(collection).splitKeys(ranges, estimatedDocumentCount());
    } catch (RuntimeException e) {
      throw MongoErrors.classify(e, name, "splitting the collection into ranges for the copy");
    }
  }

  @Override
  public SnapshotCursor openSnapshot(
      ClusterTime readAtOrAfter, String resumeAfterKey, String upToKey) {
    BsonDocument filter =
        KeyRangeFilter.between(
            resumeAfterKey == null ? null : BsonValues.parseCanonical(resumeAfterKey),
            upToKey == null ? null : BsonValues.parseCanonical(upToKey));
    ClientSession session = null;
    try {
      session = sessionAfter(readAtOrAfter);
      return new ClassifyingSnapshotCursor(
          new MongoSnapshotCursor(
              majority
                  .find(session, filter)
                  .sort(Sorts.ascending("_id"))
                  .batchSize(SNAPSHOT_BATCH_SIZE)
                  .iterator(),
              session),
          name);
    } catch (RuntimeException e) {
      if (session != null) {
        session.close();
      }
      throw MongoErrors.classify(e, name, "opening the copy cursor");
    }
  }

  /**
   * A causally consistent session whose reads see every write up to {@code time}: the driver sends
   * its operation time as {@code afterClusterTime} (the client's gossiped cluster time, from the
   * same cluster, is already at least as late).
   */
  private ClientSession sessionAfter(ClusterTime time) {
    ClientSession session =
        client.startSession(ClientSessionOptions.builder().causallyConsistent(true).build());
    session.advanceOperationTime(new BsonTimestamp((int) time.seconds(), (int) time.increment()));
    return session;
  }

  /** The document as it is now, read by {@code _id} after {@code time} (majority-committed). */
  private RawBsonDocument byId(BsonValue id, ClusterTime time) {
    try (ClientSession session = sessionAfter(time)) {
      return majority.find(session, Filters.eq("_id", id)).first();
    }
  }

  /**
   * Reads as {@code source.uri} configures, not at a point in time: verify confirms a difference
   * against what is there now, and dead-letter replay wants the newest state. A key text can stand
   * for a few {@code _id}s ({@link KeyIds}); one query asks for all of them and keeps the documents
   * whose key is one asked for.
   */
  @Override
  public List<SourceDocument> lookup(Collection<DocumentKey> keys) {
    Set<String> wanted = new HashSet<>();
    List<BsonValue> ids = new ArrayList<>();
    for (DocumentKey key : keys) {
      wanted.add(key.text());
      ids.addAll(KeyIds.candidates(key.text()));
    }
    List<SourceDocument> found = new ArrayList<>();
    if (ids.isEmpty()) {
      return found;
    }
    try {
      for (RawBsonDocument raw :
          collection.find(Filters.in("_id", ids)).batchSize(LOOKUP_BATCH_SIZE)) {
        BsonSourceDocument document = new BsonSourceDocument(raw);
        if (wanted.contains(document.key().text())) {
          found.add(document);
        }
      }
      return found;
    } catch (RuntimeException e) {
      throw MongoErrors.classify(e, name, "reading " + keys.size() + " documents by _id");
    }
  }

  @Override
  public Position positionAt(ClusterTime time) {
    return MongoPositions.startAt(time);
  }

  /**
   * The collection's changes after {@code from}: from the database's shared stream where there is
   * one (catching up on the collection's own stream while behind it), else from its own stream.
   */
  @Override
  public ChangeCursor openStream(Position from) {
    if (databaseStream == null) {
      return new ClassifyingChangeCursor(ownStream(from), name);
    }
    try {
      return new ClassifyingChangeCursor(
          new SharedChangeCursor(databaseStream, name, from, this::byId, this::ownStream), name);
    } catch (RuntimeException e) {
      throw classifyOpening(e, from);
    }
  }

  /** The collection's own change stream after {@code from}. */
  private MongoChangeCursor ownStream(Position from) {
    try {
      RawChangeStream.Reopener reopener =
          largeEvents == LargeEvents.TRIM_AFTER_FAILURE
              ? (token, stripped) -> {
                Position after =
                    token == null
                        ? from
                        : MongoPositions.afterEvent(token, from.clusterTime(), false);
                return stripped
                    ? watch(
                        LargeEvents.strippingPipeline(), LargeEvents.STRIPPED_FULL_DOCUMENT, after)
                    : watch(largeEvents.pipeline(), FullDocument.UPDATE_LOOKUP, after);
              }
              : null;
      return new MongoChangeCursor(
          watch(largeEvents.pipeline(), FullDocument.UPDATE_LOOKUP, from),
          name,
          this::byId,
          from.clusterTime(),
          reopener);
    } catch (RuntimeException e) {
      throw classifyOpening(e, from);
    }
  }

  private TidemarkException classifyOpening(RuntimeException e, Position from) {
    if (e instanceof TidemarkException classified) {
      return classified;
    }
    long behindSeconds =
        Math.max(0, java.time.Instant.now().getEpochSecond() - from.clusterTime().seconds());
    return MongoErrors.classify(
        e,
        name,
        "opening the change stream at the saved position "
            + from.clusterTime()
            + ", "
            + java.time.Duration.ofSeconds(behindSeconds).toString().substring(2).toLowerCase()
            + " behind the source clock,");
  }

  /** Opens the collection's change stream with these stages, from a position. */
  private MongoChangeStreamCursor<ChangeStreamDocument<RawBsonDocument>> watch(
      List<BsonDocument> pipeline, FullDocument fullDocument, Position from) {
    MongoPositions.Parsed parsed = MongoPositions.parse(from);
    ChangeStreamIterable<RawBsonDocument> stream =
        majority
            .watch(pipeline)
            .fullDocument(fullDocument)
            .maxAwaitTime(maxAwait.toMillis(), TimeUnit.MILLISECONDS);
    switch (parsed.mode()) {
      case START_AT:
        stream = stream.startAtOperationTime(parsed.startAt());
        break;
      case START_AFTER:
        stream = stream.startAfter(parsed.resumeToken());
        break;
      default:
        stream = stream.resumeAfter(parsed.resumeToken());
    }
    return stream.cursor();
  }

  /**
   * MongoDB creates a collection on its first insert ("If a collection does not exist, MongoDB
   * creates the collection when you first store data for that collection", manual: Databases and
   * Collections), so a configured one may not exist yet. {@code listCollections} with a filter on
   * {@code name} (manual: listCollections, "filter ... on any of the fields returned"); the names
   * returned are compared as well, so a server that ignores the filter still answers right.
   */
  @Override
  public boolean exists() {
    try {
      for (String found :
          database
              .listCollectionNames()
              .filter(com.mongodb.client.model.Filters.eq("name", name))) {
        if (found.equals(name)) {
          return true;
        }
      }
      return false;
    } catch (RuntimeException e) {
      throw MongoErrors.classify(e, name, "looking whether the collection exists");
    }
  }
}
