package io.tidemark.source.mongo;

import com.mongodb.client.ChangeStreamIterable;
import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.FullDocument;
import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.Position;
import io.tidemark.core.spi.ChangeCursor;
import io.tidemark.core.spi.CollectionSource;
import io.tidemark.core.spi.SnapshotCursor;
import io.tidemark.source.mongo.convert.BsonValues;
import io.tidemark.source.mongo.snapshot.KeyRangeFilter;
import io.tidemark.source.mongo.snapshot.MongoKeySplitter;
import io.tidemark.source.mongo.snapshot.MongoSnapshotCursor;
import io.tidemark.source.mongo.stream.LargeEvents;
import io.tidemark.source.mongo.stream.MongoChangeCursor;
import io.tidemark.source.mongo.stream.MongoPositions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.bson.RawBsonDocument;

/** One MongoDB collection as a {@link CollectionSource}. Thread-safe. */
final class MongoCollectionSource implements CollectionSource {
  private static final int SNAPSHOT_BATCH_SIZE = 2000;

  private final MongoDatabase database;
  private final MongoCollection<RawBsonDocument> collection;
  private final String name;
  private final Duration maxAwait;
  private final LargeEvents largeEvents;

  /**
   * @param largeEvents how the server's change streams get past an event over 16 MB
   */
  MongoCollectionSource(
      MongoDatabase database, String name, Duration maxAwait, LargeEvents largeEvents) {
    this.database = database;
    this.name = name;
    this.collection = database.getCollection(name, RawBsonDocument.class);
    this.maxAwait = maxAwait;
    this.largeEvents = largeEvents;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public ClusterTime captureOperationTime() {
    Document reply;
    try {
      reply = database.runCommand(new Document("ping", 1));
    } catch (RuntimeException e) {
      throw MongoErrors.classify(e, name, "capturing the source's operation time");
    }
    Object time = reply.get("operationTime");
    if (!(time instanceof BsonTimestamp ts)) {
      throw new TidemarkException(
          ErrorCode.SOURCE_FAILED,
          name
              + ": MongoDB did not report an operationTime, so the copy cannot be handed off to a"
              + " change stream without a gap. Tidemark needs a replica set or a sharded cluster"
              + " (a single-node replica set is enough: start mongod with --replSet and run"
              + " rs.initiate()).");
    }
    return MongoPositions.clusterTime(ts);
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
    try {
      return new ClassifyingSnapshotCursor(
          new MongoSnapshotCursor(
              collection
                  .find(filter)
                  .sort(Sorts.ascending("_id"))
                  .batchSize(SNAPSHOT_BATCH_SIZE)
                  .iterator()),
          name);
    } catch (RuntimeException e) {
      throw MongoErrors.classify(e, name, "opening the copy cursor");
    }
  }

  @Override
  public Position positionAt(ClusterTime time) {
    return MongoPositions.startAt(time);
  }

  @Override
  public ChangeCursor openStream(Position from) {
    try {
      MongoChangeCursor.Reopener reopener =
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
      return new ClassifyingChangeCursor(
          new MongoChangeCursor(
              watch(largeEvents.pipeline(), FullDocument.UPDATE_LOOKUP, from),
              collection,
              from.clusterTime(),
              reopener),
          name);
    } catch (RuntimeException e) {
      long behindSeconds =
          Math.max(0, java.time.Instant.now().getEpochSecond() - from.clusterTime().seconds());
      throw MongoErrors.classify(
          e,
          name,
          "opening the change stream at the saved position "
              + from.clusterTime()
              + ", "
              + java.time.Duration.ofSeconds(behindSeconds).toString().substring(2).toLowerCase()
              + " behind the source clock,");
    }
  }

  /** Opens the collection's change stream with these stages, from a position. */
  private MongoChangeStreamCursor<ChangeStreamDocument<RawBsonDocument>> watch(
      List<BsonDocument> pipeline, FullDocument fullDocument, Position from) {
    MongoPositions.Parsed parsed = MongoPositions.parse(from);
    ChangeStreamIterable<RawBsonDocument> stream =
        collection
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
}
