package io.tidemark.harness.standin;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/** The stand-in shows every command, with the application name of its connection's handshake. */
class StandInCommandObserverTest {

  private record Received(String applicationName, String database, BsonDocument command) {}

  private static MongoClient client(StandInMongo standIn, String applicationName) {
    MongoClientSettings.Builder settings =
        MongoClientSettings.builder()
            .applyConnectionString(new ConnectionString(standIn.connectionString()));
    if (applicationName != null) {
      settings.applicationName(applicationName);
    }
    return MongoClients.create(settings.build());
  }

  @Test
  void everyCommandIsShownWithTheApplicationNameOfItsConnection() {
    List<Received> received = new CopyOnWriteArrayList<>();
    try (StandInMongo standIn =
            StandInMongo.start(
                (applicationName, database, command) ->
                    received.add(new Received(applicationName, database, command)));
        MongoClient named = client(standIn, "probe");
        MongoClient anonymous = client(standIn, null)) {
      named.getDatabase("shop").getCollection("orders").find(Filters.gt("_id", 5)).first();
      anonymous.getDatabase("shop").getCollection("orders").insertOne(new Document("_id", 1));
    }

    assertThat(received)
        .filteredOn(r -> r.command().getFirstKey().equals("find"))
        .singleElement()
        .satisfies(
            find -> {
              assertThat(find.applicationName()).isEqualTo("probe");
              assertThat(find.database()).isEqualTo("shop");
              assertThat(find.command().getDocument("filter").toJson())
                  .isEqualTo("{\"_id\": {\"$gt\": 5}}");
            });
    assertThat(received)
        .filteredOn(r -> r.command().getFirstKey().equals("insert"))
        .singleElement()
        .satisfies(insert -> assertThat(insert.applicationName()).isNull());
    assertThat(received)
        .as("the handshake itself is shown too, under the name it gives")
        .anySatisfy(
            r -> {
              assertThat(r.command().getFirstKey()).isEqualToIgnoringCase("isMaster");
              assertThat(r.applicationName()).isEqualTo("probe");
            });
  }
}
