package io.tidemark.harness.standin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoCommandException;
import com.mongodb.client.ChangeStreamIterable;
import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.FullDocument;
import com.mongodb.client.model.changestream.OperationType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class StandInMongoTest {

  private static final Logger log = LoggerFactory.getLogger(StandInMongoTest.class);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  private static StandInMongo standIn;
  private static MongoClient client;

  private MongoDatabase database;
  private MongoCollection<Document> collection;

  @BeforeAll
  static void startServer() {
    standIn = StandInMongo.start();
    client = MongoClients.create(standIn.connectionString());
  }

  @AfterAll
  static void stopServer() {
    client.close();
    standIn.close();
  }

  @BeforeEach
  void freshDatabase(TestInfo test) {
    database = client.getDatabase(test.getTestMethod().orElseThrow().getName());
    collection = database.getCollection("items");
  }

  @Test
  void sampleAlwaysAnswersWithDistinctDocumentsOfTheCollection() {
    collection.insertMany(IntStream.range(0, 3_000).mapToObj(i -> new Document("_id", i)).toList());
    // The stand-in's own shuffle fails now and then ("Comparison method violates its general
    // contract"); the backend retries it, so a sample never fails.
    for (int run = 0; run < 40; run++) {
      List<Object> ids = new ArrayList<>();
      collection
          .aggregate(List.of(new Document("$sample", new Document("size", 100))))
          .forEach(d -> ids.add(d.get("_id")));
      assertThat(ids).hasSize(100).doesNotHaveDuplicates().allMatch(id -> (int) id < 3_000);
    }
  }

  @Test
  void pingCarriesTheTimestampOfTheNewestOplogEntry() {
    BsonTimestamp before = operationTime();
    collection.insertOne(new Document("_id", 1));
    BsonTimestamp afterInsert = operationTime();
    BsonTimestamp again = operationTime();

    List<ChangeStreamDocument<Document>> events =
        read(collection.watch().startAtOperationTime(before), 1);

    assertThat(afterInsert).isGreaterThan(before).isEqualTo(again);
    assertThat(events.get(0).getClusterTime()).isEqualTo(afterInsert);
  }

  @Test
  void operationTimeIsInEveryReply() {
    Document isMaster = client.getDatabase("admin").runCommand(new Document("isMaster", 1));
    Document insert =
        database.runCommand(
            new Document("insert", "items")
                .append("documents", List.of(new Document("_id", 1), new Document("_id", 2))));
    Document update =
        database.runCommand(
            new Document("update", "items")
                .append(
                    "updates",
                    List.of(
                        new Document("q", new Document("_id", 1))
                            .append("u", new Document("$set", new Document("v", 1))))));
    Document find = database.runCommand(new Document("find", "items").append("batchSize", 1));
    Document getMore =
        database.runCommand(
            new Document("getMore", find.get("cursor", Document.class).getLong("id"))
                .append("collection", "items")
                .append("batchSize", 10));
    Document aggregate =
        database.runCommand(
            new Document("aggregate", "items")
                .append("pipeline", List.of())
                .append("cursor", new Document()));
    Document count = database.runCommand(new Document("count", "items"));
    Document delete =
        database.runCommand(
            new Document("delete", "items")
                .append(
                    "deletes",
                    List.of(new Document("q", new Document("_id", 2)).append("limit", 1))));

    assertThat(List.of(isMaster, insert, update, find, getMore, aggregate, count, delete))
        .allSatisfy(
            reply -> assertThat(reply.get("operationTime")).isInstanceOf(BsonTimestamp.class))
        .allSatisfy(reply -> assertThat(reply).containsKey("$clusterTime"));
    assertThat(update.get("operationTime", BsonTimestamp.class))
        .isGreaterThan(insert.get("operationTime", BsonTimestamp.class));
    assertThat(delete.get("operationTime")).isEqualTo(operationTime());
  }

  @Test
  void updateEventHasIdKeyNamespaceAndUpdateDescription() {
    BsonTimestamp start = operationTime();
    collection.insertOne(
        new Document("_id", "a")
            .append("n", 1)
            .append("gone", true)
            .append("sub", new Document("x", 1).append("y", 2)));
    collection.updateOne(
        Filters.eq("_id", "a"),
        Updates.combine(Updates.inc("n", 1), Updates.unset("gone"), Updates.set("sub.y", 3)));

    ChangeStreamDocument<Document> update =
        read(collection.watch().startAtOperationTime(start), 2).get(1);

    assertThat(update.getOperationType()).isEqualTo(OperationType.UPDATE);
    assertThat(update.getDocumentKey()).isEqualTo(new BsonDocument("_id", new BsonString("a")));
    assertThat(update.getNamespaceDocument())
        .isEqualTo(
            new BsonDocument("db", new BsonString(database.getName()))
                .append("coll", new BsonString("items")));
    assertThat(update.getUpdateDescription().getUpdatedFields())
        .isEqualTo(new BsonDocument("n", new BsonInt32(2)).append("sub.y", new BsonInt32(3)));
    assertThat(update.getUpdateDescription().getRemovedFields()).containsExactly("gone");
    assertThat(update.getFullDocument()).as("no fullDocument without updateLookup").isNull();
  }

  @Test
  void everyEventHasNamespaceAndIdKey() {
    BsonTimestamp start = operationTime();
    collection.insertOne(new Document("_id", 7).append("v", 1));
    collection.replaceOne(Filters.eq("_id", 7), new Document("v", 2));
    collection.deleteOne(Filters.eq("_id", 7));
    collection.drop();

    List<ChangeStreamDocument<Document>> events =
        read(collection.watch().startAtOperationTime(start), 5);

    assertThat(events)
        .extracting(ChangeStreamDocument::getOperationType)
        .containsExactly(
            OperationType.INSERT,
            OperationType.REPLACE,
            OperationType.DELETE,
            OperationType.DROP,
            OperationType.INVALIDATE);
    assertThat(events.subList(0, 4))
        .allSatisfy(
            event ->
                assertThat(event.getNamespace().getFullName())
                    .isEqualTo(database.getName() + ".items"));
    assertThat(events.subList(0, 3))
        .allSatisfy(
            event ->
                assertThat(event.getDocumentKey())
                    .isEqualTo(new BsonDocument("_id", new BsonInt32(7))));
    assertThat(events.get(1).getFullDocument()).isEqualTo(new Document("_id", 7).append("v", 2));
  }

  @Test
  void startAtOperationTimeIncludesEventsAtThatTimeAndExcludesEarlierOnes() {
    collection.insertOne(new Document("_id", "a"));
    BsonTimestamp afterA = operationTime();
    collection.insertOne(new Document("_id", "b"));
    BsonTimestamp atB = operationTime();
    collection.insertOne(new Document("_id", "c"));

    List<ChangeStreamDocument<Document>> fromB =
        read(collection.watch().startAtOperationTime(atB), 2);
    List<ChangeStreamDocument<Document>> fromA =
        read(collection.watch().startAtOperationTime(afterA), 3);

    assertThat(ids(fromB)).containsExactly("b", "c");
    assertThat(fromB.get(0).getClusterTime()).isEqualTo(atB);
    assertThat(ids(fromA)).containsExactly("a", "b", "c");
    assertThat(
            nextEventWithin(
                collection.watch().startAtOperationTime(atB), 3, Duration.ofMillis(300)))
        .as("nothing after c")
        .isNull();
  }

  @Test
  void resumeAfterContinuesAfterTheTokensEvent() {
    BsonTimestamp start = operationTime();
    collection.insertMany(
        List.of(new Document("_id", 1), new Document("_id", 2), new Document("_id", 3)));
    BsonDocument tokenOfFirst =
        read(collection.watch().startAtOperationTime(start), 1).get(0).getResumeToken();

    List<ChangeStreamDocument<Document>> resumed =
        read(collection.watch().resumeAfter(tokenOfFirst), 2);
    List<ChangeStreamDocument<Document>> startedAfter =
        read(collection.watch().startAfter(tokenOfFirst), 2);

    assertThat(resumed)
        .extracting(e -> e.getDocumentKey().getInt32("_id").getValue())
        .containsExactly(2, 3);
    assertThat(startedAfter)
        .extracting(e -> e.getDocumentKey().getInt32("_id").getValue())
        .containsExactly(2, 3);
  }

  @Test
  void firstBatchCarriesAResumeTokenThatResumesFromTheOpeningPoint() {
    BsonDocument tokenBeforeAnyEvent;
    try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> cursor =
        collection.watch().cursor()) {
      assertThat(cursor.tryNext()).isNull();
      tokenBeforeAnyEvent = cursor.getResumeToken();
    }
    collection.insertOne(new Document("_id", "after-open"));

    List<ChangeStreamDocument<Document>> resumed =
        read(collection.watch().resumeAfter(tokenBeforeAnyEvent), 1);

    assertThat(tokenBeforeAnyEvent).isNotNull();
    assertThat(ids(resumed)).containsExactly("after-open");
  }

  @Test
  void updateLookupReturnsTheCurrentDocument() {
    BsonTimestamp start = operationTime();
    collection.insertOne(new Document("_id", 1).append("v", 1));
    collection.updateOne(Filters.eq("_id", 1), Updates.set("v", 2));
    collection.updateOne(Filters.eq("_id", 1), Updates.set("w", 3));

    List<ChangeStreamDocument<Document>> events =
        read(
            collection.watch().startAtOperationTime(start).fullDocument(FullDocument.UPDATE_LOOKUP),
            3);

    Document current = new Document("_id", 1).append("v", 2).append("w", 3);
    assertThat(events.get(1).getFullDocument()).isEqualTo(current);
    assertThat(events.get(2).getFullDocument()).isEqualTo(current);
    assertThat(events.get(0).getFullDocument()).isEqualTo(new Document("_id", 1).append("v", 1));
  }

  @Test
  void pipelineStagesAfterChangeStreamAreApplied() {
    BsonTimestamp start = operationTime();
    collection.insertMany(List.of(new Document("_id", 1), new Document("_id", 2)));
    collection.deleteOne(Filters.eq("_id", 1));

    List<ChangeStreamDocument<Document>> deletes =
        read(
            collection
                .watch(List.of(new Document("$match", new Document("operationType", "delete"))))
                .startAtOperationTime(start),
            1);

    assertThat(deletes.get(0).getOperationType()).isEqualTo(OperationType.DELETE);
    assertThat(deletes.get(0).getDocumentKey().getInt32("_id").getValue()).isEqualTo(1);
  }

  @Test
  void concurrentDeleteIsNeverLoggedBeforeItsInsert() throws Exception {
    int batches = 30;
    int batchSize = 100;
    int documents = batches * batchSize;
    BsonTimestamp start = operationTime();
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try (MongoClient otherClient = MongoClients.create(standIn.connectionString())) {
      MongoCollection<Document> viaOtherConnection =
          otherClient.getDatabase(database.getName()).getCollection("items");
      AtomicInteger deleted = new AtomicInteger();
      // Each batch is inserted while the other thread is already trying to delete its first _id.
      // (Batches widen the stock server's window: it logged a batch after inserting all of it.)
      Future<?> inserts =
          threads.submit(
              () ->
                  IntStream.range(0, batches)
                      .forEach(
                          batch -> {
                            while (deleted.get() < batch * batchSize) {
                              Thread.onSpinWait();
                            }
                            collection.insertMany(
                                IntStream.range(batch * batchSize, (batch + 1) * batchSize)
                                    .mapToObj(id -> new Document("_id", id))
                                    .toList());
                          }));
      // Deletes each _id as soon as it is visible, from another connection.
      Future<?> deletes =
          threads.submit(
              () ->
                  IntStream.range(0, documents)
                      .forEach(
                          id -> {
                            while (viaOtherConnection
                                    .deleteOne(Filters.eq("_id", id))
                                    .getDeletedCount()
                                == 0) {
                              Thread.onSpinWait();
                            }
                            deleted.incrementAndGet();
                          }));
      inserts.get(60, TimeUnit.SECONDS);
      deletes.get(60, TimeUnit.SECONDS);
    } finally {
      threads.shutdownNow();
    }

    List<ChangeStreamDocument<Document>> events =
        read(collection.watch().startAtOperationTime(start).batchSize(500), 2 * documents);

    Map<Integer, OperationType> lastOperation = new HashMap<>();
    for (ChangeStreamDocument<Document> event : events) {
      int id = event.getDocumentKey().getInt32("_id").getValue();
      OperationType expectedBefore =
          event.getOperationType() == OperationType.DELETE ? OperationType.INSERT : null;
      assertThat(lastOperation.get(id))
          .as("operation before %s of _id %d", event.getOperationType(), id)
          .isEqualTo(expectedBefore);
      lastOperation.put(id, event.getOperationType());
    }
  }

  @Test
  void changeStreamKeepsUpWhenTheOplogIsLarge() {
    int earlier = 200_000;
    int streamed = 50_000;
    insertNumbered(collection, 0, earlier);
    BsonTimestamp start = operationTime();
    insertNumbered(collection, earlier, streamed);

    long began = System.nanoTime();
    // Small batches: 500 getMores, each of which reads all 250k entries on the stock oplog.
    List<ChangeStreamDocument<Document>> events =
        read(collection.watch().startAtOperationTime(start).batchSize(100), streamed + 1);
    Duration took = Duration.ofNanos(System.nanoTime() - began);

    log.info(
        "Read {} change events in {} ms ({} events/s) with {} entries in the oplog",
        events.size(),
        took.toMillis(),
        events.size() * 1000L / Math.max(1, took.toMillis()),
        earlier + streamed);
    assertThat(events.get(events.size() - 1).getDocumentKey().getInt32("_id").getValue())
        .isEqualTo(earlier + streamed - 1);
    // Measured here: 1.5 to 3 s; the stock oplog, which scans everything per getMore, had not read
    // them after 30 s. The bound leaves room for a slow machine but not for a full scan per
    // getMore.
    assertThat(took).isLessThan(Duration.ofSeconds(15));
  }

  @Test
  void truncatedHistoryFailsResumeWithCode286() {
    BsonTimestamp start = operationTime();
    collection.insertMany(IntStream.range(0, 5).mapToObj(i -> new Document("_id", i)).toList());
    List<ChangeStreamDocument<Document>> events =
        read(collection.watch().startAtOperationTime(start), 5);
    BsonDocument tokenOfSecond = events.get(1).getResumeToken();

    standIn.truncateOplogBefore(events.get(3).getClusterTime());

    assertThatThrownBy(() -> collection.watch().resumeAfter(tokenOfSecond).cursor().close())
        .isInstanceOfSatisfying(
            MongoCommandException.class,
            e -> {
              assertThat(e.getErrorCode()).isEqualTo(286);
              assertThat(e.getErrorCodeName()).isEqualTo("ChangeStreamHistoryLost");
            });
    assertThatThrownBy(() -> collection.watch().startAtOperationTime(start).cursor().close())
        .isInstanceOfSatisfying(
            MongoCommandException.class, e -> assertThat(e.getErrorCode()).isEqualTo(286));
    // What is left can still be read.
    assertThat(read(collection.watch().resumeAfter(events.get(3).getResumeToken()), 1))
        .extracting(e -> e.getDocumentKey().getInt32("_id").getValue())
        .containsExactly(4);
  }

  @Test
  void openStreamThatFallsBehindTheTruncationFailsWithCode286() {
    BsonTimestamp start = operationTime();
    try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> cursor =
        collection.watch().startAtOperationTime(start).batchSize(1).cursor()) {
      collection.insertMany(IntStream.range(0, 3).mapToObj(i -> new Document("_id", i)).toList());
      BsonTimestamp newest = operationTime();
      standIn.truncateOplogBefore(newest);

      assertThatThrownBy(cursor::tryNext)
          .isInstanceOfSatisfying(
              MongoCommandException.class, e -> assertThat(e.getErrorCode()).isEqualTo(286));
    }
  }

  private BsonTimestamp operationTime() {
    return database.runCommand(new Document("ping", 1)).get("operationTime", BsonTimestamp.class);
  }

  private static void insertNumbered(MongoCollection<Document> target, int from, int count) {
    int chunk = 10_000;
    for (int first = from; first < from + count; first += chunk) {
      List<Document> documents = new ArrayList<>(chunk);
      for (int id = first; id < Math.min(first + chunk, from + count); id++) {
        documents.add(new Document("_id", id).append("payload", "value " + id));
      }
      target.insertMany(documents);
    }
  }

  /** The next {@code count} events, failing the test if they do not come within the timeout. */
  private static List<ChangeStreamDocument<Document>> read(
      ChangeStreamIterable<Document> stream, int count) {
    List<ChangeStreamDocument<Document>> events = new ArrayList<>(count);
    long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
    try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> cursor = stream.cursor()) {
      while (events.size() < count && System.nanoTime() < deadline) {
        ChangeStreamDocument<Document> event = cursor.tryNext();
        if (event != null) {
          events.add(event);
        }
      }
    }
    assertThat(events).as("events read within %s", READ_TIMEOUT).hasSize(count);
    return events;
  }

  /** The event after the first {@code skip} ones, or null if none comes within {@code wait}. */
  private static ChangeStreamDocument<Document> nextEventWithin(
      ChangeStreamIterable<Document> stream, int skip, Duration wait) {
    AtomicInteger seen = new AtomicInteger();
    long deadline = System.nanoTime() + wait.toNanos();
    try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> cursor = stream.cursor()) {
      while (System.nanoTime() < deadline) {
        ChangeStreamDocument<Document> event = cursor.tryNext();
        if (event != null && seen.incrementAndGet() > skip) {
          return event;
        }
      }
    }
    return null;
  }

  private static List<String> ids(List<ChangeStreamDocument<Document>> events) {
    return events.stream().map(e -> e.getDocumentKey().getString("_id").getValue()).toList();
  }
}
