package io.tidemark.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.tidemark.app.Daemon;
import io.tidemark.core.pipeline.CollectionState;
import io.tidemark.it.support.TestPipeline;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * A configured collection that does not exist when the daemon starts (MongoDB creates a collection
 * on its first insert, and the replicator is often deployed before the application writes): the
 * daemon starts, the collection waits without failing health or delaying the others, and once the
 * application creates it every document arrives, those written before the daemon noticed the
 * collection as well as those written after.
 */
class WaitingCollectionIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @Test
  void aCollectionCreatedAfterTheDaemonStartedArrivesWhole() throws Exception {
    TestPipeline p = TestPipeline.create("waiting");
    p.collection("people").insertOne(new Document("_id", 1).append("name", "Ann"));
    String yaml = p.yaml("collections:\n  - name: people\n  - name: orders");

    try (Daemon daemon = p.startDaemon(yaml)) {
      TestPipeline.await(
          () ->
              TestPipeline.status(daemon, "orders").state() == CollectionState.WAITING
                  && TestPipeline.status(daemon, "people").state() == CollectionState.STREAMING,
          TIMEOUT,
          () -> "orders not WAITING beside a STREAMING people: " + daemon.status());
      p.awaitMatch("people", "people", TIMEOUT);
      JsonNode health = health(daemon);
      assertThat(health.get("status").asText()).as("%s", health).isEqualTo("UP");
      assertThat(health.get("collections").get(1).get("detail").asText())
          .startsWith("collection orders does not exist in the source yet");

      // The application's first writes: the first insert creates the collection; the daemon
      // notices it at its next look, after all of these.
      MongoCollection<Document> orders = p.collection("orders");
      List<Document> first = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        first.add(new Document("_id", i).append("n", i));
      }
      orders.insertOne(first.get(0));
      orders.insertMany(first.subList(1, first.size()));
      orders.updateOne(Filters.eq("_id", 7), Updates.set("n", 700));
      orders.deleteOne(Filters.eq("_id", 8));
      TestPipeline.await(
          () -> TestPipeline.status(daemon, "orders").state() == CollectionState.STREAMING,
          TIMEOUT,
          () -> "orders never streamed: " + daemon.status());

      // Writes after the daemon copied it.
      for (int i = 50; i < 60; i++) {
        orders.insertOne(new Document("_id", i).append("n", i));
      }
      orders.updateOne(Filters.eq("_id", 0), Updates.set("n", -1));

      assertThat(p.awaitMatch("orders", "orders", TIMEOUT).documents()).isEqualTo(59);
      assertThat(p.query("SELECT doc->>'n' FROM orders WHERE _id IN ('0', '7') ORDER BY _id"))
          .containsExactly("-1", "700");
    }
  }

  private static JsonNode health(Daemon daemon) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + daemon.adminPort() + "/health"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new ObjectMapper().readTree(r.body());
  }
}
