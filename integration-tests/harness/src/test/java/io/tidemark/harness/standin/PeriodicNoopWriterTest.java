package io.tidemark.harness.standin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * The stand-in's primary writes a no-op after an interval without writes, as MongoDB's {@code
 * NoopWriter} does ({@code src/mongo/db/repl/noop_writer.cpp}), within the bounds of {@code
 * periodicNoopIntervalSecs} ({@code src/mongo/db/repl/replication_coordinator_impl.idl}); no stream
 * shows it, every stream moves past it.
 */
class PeriodicNoopWriterTest {

  private final IndexedOplog oplog =
      new IndexedOplog(Clock.systemUTC(), new CursorRegistry(), (database, collection, id) -> null);

  @Test
  void writesOnlyAfterAnIntervalInWhichTheOplogDidNotMove() {
    PeriodicNoopWriter writer = PeriodicNoopWriter.manual(oplog);
    long start = oplog.currentTime().getValue();

    assertThat(writer.tick()).as("nothing written since the writer started").isTrue();
    assertThat(oplog.size()).isEqualTo(1);
    assertThat(Long.compareUnsigned(oplog.currentTime().getValue(), start)).isPositive();

    oplog.append(
        OplogEntry.Operation.INSERT,
        "shop",
        "orders",
        1,
        new de.bwaldvogel.mongo.bson.Document("_id", 1),
        null);
    assertThat(writer.tick()).as("a write came in the interval").isFalse();
    assertThat(oplog.size()).isEqualTo(2);

    assertThat(writer.tick()).as("a quiet interval after the write").isTrue();
    assertThat(writer.tick()).as("still quiet: a no-op every interval").isTrue();
    assertThat(oplog.entriesAfter(start))
        .extracting(OplogEntry::operation)
        .containsExactly(
            OplogEntry.Operation.NOOP,
            OplogEntry.Operation.INSERT,
            OplogEntry.Operation.NOOP,
            OplogEntry.Operation.NOOP);
    assertThat(oplog.entriesAfter(start))
        .filteredOn(e -> e.operation() == OplogEntry.Operation.NOOP)
        .allSatisfy(e -> assertThat(e.database()).isEmpty());
  }

  @Test
  void refusesTheIntervalsMongoDbRefuses() {
    for (Duration refused :
        List.of(
            Duration.ZERO,
            Duration.ofSeconds(-1),
            Duration.ofSeconds(11),
            Duration.ofMillis(1500))) {
      assertThatThrownBy(
              () -> StandInMongo.start(StandInVersion.DEFAULT, CommandObserver.NONE, refused))
          .as("%s", refused)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("periodicNoopIntervalSecs");
    }
    PeriodicNoopWriter.checkInterval(Duration.ofSeconds(1));
    PeriodicNoopWriter.checkInterval(Duration.ofSeconds(10));
  }

  @Test
  void anIdleStreamMovesForwardAndShowsNoEventForTheNoOp() throws Exception {
    try (StandInMongo standIn =
            StandInMongo.start(
                StandInVersion.DEFAULT, CommandObserver.NONE, Duration.ofSeconds(1));
        MongoClient client = MongoClients.create(standIn.connectionString())) {
      MongoDatabase database = client.getDatabase("idle");
      database.getCollection("orders").insertOne(new Document("_id", 1));
      BsonTimestamp afterInsert = operationTime(database);
      BsonTimestamp start = new BsonTimestamp(afterInsert.getTime(), afterInsert.getInc() + 1);

      List<ChangeStreamDocument<Document>> events = new ArrayList<>();
      try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> onCollection =
              database.getCollection("orders").watch().startAtOperationTime(start).cursor();
          MongoChangeStreamCursor<ChangeStreamDocument<Document>> onDatabase =
              database.watch().startAtOperationTime(start).cursor()) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (timeOf(onCollection.getResumeToken()) <= afterInsert.getValue()
            && System.nanoTime() < deadline) {
          addIfPresent(events, onCollection.tryNext());
          addIfPresent(events, onDatabase.tryNext());
        }
        assertThat(timeOf(onCollection.getResumeToken()))
            .as("the collection stream's post-batch token moved past the last write")
            .isGreaterThan(afterInsert.getValue());
        assertThat(Long.compareUnsigned(operationTime(database).getValue(), afterInsert.getValue()))
            .as("operationTime moved with the no-op")
            .isPositive();
        addIfPresent(events, onDatabase.tryNext());
      }
      assertThat(events).as("no stream shows a no-op").isEmpty();
    }
  }

  private static BsonTimestamp operationTime(MongoDatabase database) {
    return database.runCommand(new Document("ping", 1)).get("operationTime", BsonTimestamp.class);
  }

  private static long timeOf(org.bson.BsonDocument token) {
    return token == null
        ? 0
        : ResumeTokens.parse(
                new de.bwaldvogel.mongo.bson.Document("_data", token.getString("_data").getValue()))
            .timestamp();
  }

  private static void addIfPresent(
      List<ChangeStreamDocument<Document>> events, ChangeStreamDocument<Document> event) {
    if (event != null) {
      events.add(event);
    }
  }
}
