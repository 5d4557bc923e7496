package io.tidemark.harness.standin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.ClientSessionOptions;
import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCommandException;
import com.mongodb.ReadConcern;
import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sessions and causal consistency on the stand-in, as MongoDB serves them: the hello reply
 * advertises a session timeout, every reply carries {@code $clusterTime} and {@code operationTime},
 * and a read with {@code afterClusterTime} is served at or after that time, or refused when the
 * time is ahead of the server's clock.
 */
class StandInSessionsTest {

  private static final List<BsonDocument> commands = new CopyOnWriteArrayList<>();
  private static StandInMongo standIn;
  private static MongoClient client;

  @BeforeAll
  static void start() {
    standIn = StandInMongo.start();
    CommandListener listener =
        new CommandListener() {
          @Override
          public void commandStarted(CommandStartedEvent event) {
            commands.add(event.getCommand().clone());
          }
        };
    client =
        MongoClients.create(
            MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(standIn.connectionString()))
                .addCommandListener(listener)
                .build());
  }

  @AfterAll
  static void stop() {
    client.close();
    standIn.close();
  }

  private static BsonDocument lastCommand(String name) {
    List<BsonDocument> matching = new ArrayList<>();
    for (BsonDocument c : commands) {
      if (c.getFirstKey().equals(name)) {
        matching.add(c);
      }
    }
    assertThat(matching).as("%s commands sent", name).isNotEmpty();
    return matching.get(matching.size() - 1);
  }

  @Test
  void helloAdvertisesSessionsAndEveryReplyCarriesTheClusterTime() {
    Document isMaster = client.getDatabase("admin").runCommand(new Document("isMaster", 1));
    Document ping = client.getDatabase("admin").runCommand(new Document("ping", 1));

    assertThat(isMaster.get("logicalSessionTimeoutMinutes")).isEqualTo(30);
    Document clusterTime = ping.get("$clusterTime", Document.class);
    assertThat(clusterTime.get("clusterTime")).isEqualTo(ping.get("operationTime"));
    assertThat(clusterTime.get("signature", Document.class).get("keyId")).isEqualTo(0L);
  }

  @Test
  void aCausallyConsistentSessionReadsAfterItsOwnWrite() {
    MongoDatabase db = client.getDatabase("sessions");
    MongoCollection<Document> items = db.getCollection("items");
    try (ClientSession session =
        client.startSession(ClientSessionOptions.builder().causallyConsistent(true).build())) {
      items.insertOne(session, new Document("_id", 1));
      BsonTimestamp written = session.getOperationTime();

      List<Document> found =
          items
              .withReadConcern(ReadConcern.MAJORITY)
              .find(session, new Document("_id", 1))
              .into(new ArrayList<>());

      assertThat(found).hasSize(1);
      BsonDocument find = lastCommand("find");
      assertThat(find.getDocument("readConcern"))
          .isEqualTo(
              new BsonDocument("level", new org.bson.BsonString("majority"))
                  .append("afterClusterTime", written));
      assertThat(find.containsKey("lsid")).isTrue();
    }
  }

  @Test
  void anAfterClusterTimeAheadOfTheClockIsRefusedAsMongoDbRefusesIt() {
    BsonTimestamp now =
        client
            .getDatabase("admin")
            .runCommand(new Document("ping", 1))
            .get("operationTime", BsonTimestamp.class);
    BsonTimestamp ahead = new BsonTimestamp(now.getTime() + 1000, 0);

    assertThatThrownBy(
            () ->
                client
                    .getDatabase("sessions")
                    .runCommand(
                        new Document("find", "items")
                            .append("readConcern", new Document("afterClusterTime", ahead))))
        .isInstanceOfSatisfying(
            MongoCommandException.class,
            e -> {
              assertThat(e.getErrorCode()).isEqualTo(72);
              assertThat(e.getErrorMessage())
                  .startsWith(
                      "readConcern afterClusterTime value must not be greater than the current"
                          + " clusterTime. Requested clusterTime: { ts: Timestamp("
                          + ahead.getTime()
                          + ", 0) }; current clusterTime: { ts: Timestamp(");
            });
  }

  @Test
  void readConcernLevelsTheStandInCannotServeAreRefused() {
    assertThatThrownBy(
            () ->
                client
                    .getDatabase("sessions")
                    .runCommand(
                        new Document("find", "items")
                            .append("readConcern", new Document("level", "snapshot"))))
        .isInstanceOf(MongoCommandException.class)
        .hasMessageContaining("snapshot");
  }
}
