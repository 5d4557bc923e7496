package io.tidemark.harness.standin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoCommandException;
import com.mongodb.client.ChangeStreamIterable;
import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A change stream takes one resume option only, as MongoDB checks it ({@code
 * src/mongo/db/pipeline/document_source_change_stream.cpp}): both tokens is 50865, a token and a
 * start time 40674.
 */
class StandInResumeOptionsTest {

  private static StandInMongo standIn;
  private static MongoClient client;
  private static MongoCollection<Document> items;
  private static BsonDocument token;
  private static BsonTimestamp time;

  @BeforeAll
  static void start() {
    standIn = StandInMongo.start();
    client = MongoClients.create(standIn.connectionString());
    items = client.getDatabase("resume").getCollection("items");
    time =
        client
            .getDatabase("admin")
            .runCommand(new Document("ping", 1))
            .get("operationTime", BsonTimestamp.class);
    items.insertOne(new Document("_id", 1));
    try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> c =
        items.watch().startAtOperationTime(time).cursor()) {
      token = c.next().getResumeToken();
    }
  }

  @AfterAll
  static void stop() {
    client.close();
    standIn.close();
  }

  private static void assertRefused(ChangeStreamIterable<Document> stream, int code, String text) {
    assertThatThrownBy(() -> stream.cursor().close())
        .isInstanceOfSatisfying(
            MongoCommandException.class,
            e -> {
              assertThat(e.getErrorCode()).isEqualTo(code);
              assertThat(e.getErrorMessage()).isEqualTo(text);
            });
  }

  @Test
  void aTokenAndAStartTimeAreRefused() {
    assertRefused(
        items.watch().resumeAfter(token).startAtOperationTime(time),
        40674,
        "Only one type of resume option is allowed, but multiple were found");
    assertRefused(
        items.watch().startAfter(token).startAtOperationTime(time),
        40674,
        "Only one type of resume option is allowed, but multiple were found");
  }

  @Test
  void bothTokensAreRefused() {
    assertRefused(
        items.watch().resumeAfter(token).startAfter(token),
        50865,
        "Do not specify both 'resumeAfter' and 'startAfter' in a $changeStream stage");
  }

  @Test
  void oneOptionIsServed() {
    try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> c =
        items.watch().startAtOperationTime(time).cursor()) {
      assertThat(c.next().getDocumentKey().getInt32("_id").getValue()).isEqualTo(1);
    }
  }
}
