package io.tidemark.harness.standin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoNamespace;
import com.mongodb.client.ChangeStreamIterable;
import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Change streams where Tidemark relies on them, as MongoDB serves them: whole-database streams with
 * {@code ns} on every event, {@code drop}, {@code rename} (with {@code to}), {@code dropDatabase}
 * and {@code invalidate} on the streams MongoDB reports them to, invalidate tokens, post-batch
 * resume tokens on every reply, and a start before the oplog's oldest entry.
 */
class StandInChangeStreamsTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private static StandInMongo standIn;
  private static MongoClient client;
  private MongoDatabase database;

  @BeforeAll
  static void start() {
    standIn = StandInMongo.start();
    client = MongoClients.create(standIn.connectionString());
  }

  @AfterAll
  static void stop() {
    client.close();
    standIn.close();
  }

  @BeforeEach
  void freshDatabase(TestInfo test) {
    database = client.getDatabase(test.getTestMethod().orElseThrow().getName());
  }

  private BsonTimestamp now() {
    return database.runCommand(new Document("ping", 1)).get("operationTime", BsonTimestamp.class);
  }

  /** A start that excludes every write so far: one increment after the newest. */
  private BsonTimestamp afterLastWrite() {
    BsonTimestamp now = now();
    return new BsonTimestamp(now.getTime(), now.getInc() + 1);
  }

  /** Events until an invalidate, or until {@code count} have come. */
  private static List<ChangeStreamDocument<Document>> read(
      ChangeStreamIterable<Document> stream, int count) {
    List<ChangeStreamDocument<Document>> events = new ArrayList<>();
    long deadline = System.nanoTime() + WAIT.toNanos();
    try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> cursor = stream.cursor()) {
      while (events.size() < count && System.nanoTime() < deadline) {
        ChangeStreamDocument<Document> event;
        try {
          event = cursor.tryNext();
        } catch (IllegalStateException closed) {
          break; // the server closed the cursor after an invalidate
        }
        if (event != null) {
          events.add(event);
          if ("invalidate".equals(event.getOperationTypeString())) {
            break; // the server closes the cursor after it
          }
        }
      }
    }
    return events;
  }

  private static List<String> types(List<ChangeStreamDocument<Document>> events) {
    return events.stream().map(ChangeStreamDocument::getOperationTypeString).toList();
  }

  @Test
  void aDatabaseStreamSeesEveryCollectionWithItsNamespace() {
    BsonTimestamp start = now();
    database.getCollection("orders").insertOne(new Document("_id", 1));
    database.getCollection("people").insertOne(new Document("_id", "ann"));
    database.getCollection("orders").deleteOne(new Document("_id", 1));

    List<ChangeStreamDocument<Document>> events =
        read(database.watch().startAtOperationTime(start), 3);

    assertThat(types(events)).containsExactly("insert", "insert", "delete");
    assertThat(events)
        .extracting(e -> e.getNamespace().getCollectionName())
        .containsExactly("orders", "people", "orders");
    assertThat(events)
        .allSatisfy(e -> assertThat(e.getDatabaseName()).isEqualTo(database.getName()));
  }

  @Test
  void aDropEndsTheCollectionsStreamWithInvalidateButNotTheDatabasesStream() {
    database.getCollection("orders").insertOne(new Document("_id", 1));
    BsonTimestamp start = afterLastWrite();
    database.getCollection("orders").drop();
    database.getCollection("people").insertOne(new Document("_id", "ann"));

    List<ChangeStreamDocument<Document>> onCollection =
        read(database.getCollection("orders").watch().startAtOperationTime(start), 5);
    List<ChangeStreamDocument<Document>> onDatabase =
        read(database.watch().startAtOperationTime(start), 2);

    assertThat(types(onCollection)).containsExactly("drop", "invalidate");
    assertThat(onCollection.get(0).getNamespace())
        .isEqualTo(new MongoNamespace(database.getName(), "orders"));
    assertThat(onCollection.get(0).getDocumentKey()).isNull();
    ChangeStreamDocument<Document> invalidate = onCollection.get(1);
    assertThat(invalidate.getNamespace()).isNull();
    assertThat(invalidate.getClusterTime()).isEqualTo(onCollection.get(0).getClusterTime());
    assertThat(invalidate.getResumeToken()).isNotEqualTo(onCollection.get(0).getResumeToken());
    assertThat(types(onDatabase)).containsExactly("drop", "insert");
  }

  @Test
  void aRenameCarriesItsTargetAndEndsTheStreamsOfBothCollections() {
    database.getCollection("draft").insertOne(new Document("_id", 1));
    BsonTimestamp start = afterLastWrite();
    database
        .getCollection("draft")
        .renameCollection(new MongoNamespace(database.getName(), "final"));

    List<ChangeStreamDocument<Document>> onSource =
        read(database.getCollection("draft").watch().startAtOperationTime(start), 5);
    List<ChangeStreamDocument<Document>> onTarget =
        read(database.getCollection("final").watch().startAtOperationTime(start), 5);
    List<ChangeStreamDocument<Document>> onDatabase =
        read(database.watch().startAtOperationTime(start), 1);

    assertThat(types(onSource)).containsExactly("rename", "invalidate");
    assertThat(types(onTarget)).containsExactly("rename", "invalidate");
    ChangeStreamDocument<Document> rename = onDatabase.get(0);
    assertThat(rename.getOperationTypeString()).isEqualTo("rename");
    assertThat(rename.getNamespace().getCollectionName()).isEqualTo("draft");
    assertThat(rename.getDestinationNamespace())
        .isEqualTo(new MongoNamespace(database.getName(), "final"));
  }

  @Test
  void aDatabaseDropReportsEachCollectionThenTheDatabaseThenInvalidate() {
    database.getCollection("a").insertOne(new Document("_id", 1));
    database.getCollection("b").insertOne(new Document("_id", 1));
    BsonTimestamp start = afterLastWrite();
    database.drop();

    List<ChangeStreamDocument<Document>> onDatabase =
        read(database.watch().startAtOperationTime(start), 10);
    List<ChangeStreamDocument<Document>> onCollection =
        read(database.getCollection("a").watch().startAtOperationTime(start), 10);

    assertThat(types(onDatabase)).containsExactly("drop", "drop", "dropDatabase", "invalidate");
    assertThat(onDatabase.get(2).getNamespace()).isNull(); // ns: {db} only
    assertThat(onDatabase.get(2).getDatabaseName()).isEqualTo(database.getName());
    assertThat(types(onCollection)).containsExactly("drop", "invalidate");
  }

  @Test
  void anInvalidateTokenStartsAfterButDoesNotResume() {
    BsonTimestamp start = now();
    database.getCollection("orders").insertOne(new Document("_id", 1));
    database.getCollection("orders").drop();
    database.getCollection("orders").insertOne(new Document("_id", 2));
    BsonDocument invalidateToken =
        read(database.getCollection("orders").watch().startAtOperationTime(start), 5)
            .get(2)
            .getResumeToken();

    assertThatThrownBy(
            () -> database.getCollection("orders").watch().resumeAfter(invalidateToken).cursor())
        .isInstanceOfSatisfying(
            MongoCommandException.class,
            e -> {
              assertThat(e.getErrorCode()).isEqualTo(260);
              assertThat(e.getErrorMessage())
                  .isEqualTo(
                      "Attempting to resume a change stream using 'resumeAfter' is not allowed"
                          + " from an invalidate notification");
            });
    List<ChangeStreamDocument<Document>> after =
        read(database.getCollection("orders").watch().startAfter(invalidateToken), 1);
    assertThat(types(after)).containsExactly("insert");
    assertThat(after.get(0).getDocumentKey().getInt32("_id").getValue()).isEqualTo(2);
  }

  @Test
  void everyReplyCarriesAPostBatchResumeTokenThatMovesWithTheOplog() {
    Document first =
        database.runCommand(
            Document.parse(
                "{aggregate: 'quiet', pipeline: [{$changeStream: {}}], cursor: {batchSize: 1}}"));
    Document firstCursor = first.get("cursor", Document.class);
    Object initial = firstCursor.get("postBatchResumeToken");
    database.getCollection("elsewhere").insertOne(new Document("_id", 1));
    Document more =
        database.runCommand(
            new Document("getMore", firstCursor.getLong("id"))
                .append("collection", "quiet")
                .append("maxTimeMS", 50));
    Document moreCursor = more.get("cursor", Document.class);

    assertThat(firstCursor.getList("firstBatch", Document.class)).isEmpty();
    assertThat(initial).isNotNull();
    assertThat(moreCursor.getList("nextBatch", Document.class)).isEmpty();
    assertThat(moreCursor.get("postBatchResumeToken", Document.class).getString("_data"))
        .as("past the write to another collection")
        .isGreaterThan(((Document) initial).getString("_data"));
  }

  @Test
  void aStartBeforeTheOldestOplogEntryIsHistoryLost() {
    assertThatThrownBy(
            () ->
                database
                    .getCollection("orders")
                    .watch()
                    .startAtOperationTime(new BsonTimestamp(1, 1))
                    .cursor())
        .isInstanceOfSatisfying(
            MongoCommandException.class,
            e -> {
              assertThat(e.getErrorCode()).isEqualTo(286);
              assertThat(e.getErrorCodeName()).isEqualTo("ChangeStreamHistoryLost");
              assertThat(e.getErrorMessage())
                  .isEqualTo(
                      "Resume of change stream was not possible, as the resume point may no longer"
                          + " be in the oplog.");
            });
  }
}
