package io.tidemark.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidemark.app.Daemon;
import io.tidemark.app.DaemonAdminBackend;
import io.tidemark.app.admin.AdminServer;
import io.tidemark.core.config.TidemarkConfig;
import io.tidemark.core.config.YamlConfigLoader;
import io.tidemark.core.pipeline.CollectionState;
import io.tidemark.it.support.CounterWorkload;
import io.tidemark.it.support.EngineProcess;
import io.tidemark.it.support.TestPipeline;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API of a real daemon: health, status, metrics, pause and resume, a rebuild, and the
 * refusals (no token, unknown collection or path, wrong method); then the status and resnapshot
 * commands of the real jar against it.
 */
class AdminApiIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "secret";

  private final HttpClient http = HttpClient.newHttpClient();
  private int port;

  private HttpResponse<String> send(String method, String path, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode json(String method, String path, int expectedStatus) throws Exception {
    HttpResponse<String> r = send(method, path, TOKEN);
    assertThat(r.statusCode()).as("%s %s: %s", method, path, r.body()).isEqualTo(expectedStatus);
    return JSON.readTree(r.body());
  }

  private JsonNode collectionStatus(String name) throws Exception {
    for (JsonNode c : json("GET", "/status", 200).get("collections")) {
      if (c.get("collection").asText().equals(name)) {
        return c;
      }
    }
    throw new AssertionError("no collection " + name + " in /status");
  }

  private void awaitState(String collection, String state) throws Exception {
    JsonNode[] last = new JsonNode[1];
    TestPipeline.await(
        () -> {
          try {
            last[0] = collectionStatus(collection);
            return last[0].get("state").asText().equals(state);
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        },
        Duration.ofSeconds(60),
        () -> collection + " did not reach " + state + ": " + last[0]);
  }

  @Test
  void everyEndpointOfARunningDaemon(@TempDir Path dir) throws Exception {
    TestPipeline p = TestPipeline.create("adminapi");
    CounterWorkload workload = new CounterWorkload(p.collection("items"), 41);
    workload.seed(20_000);
    p.collection("other").insertOne(new Document("_id", "only"));
    String yaml =
        p.yaml(
            "admin: { port: 0, token: "
                + TOKEN
                + " }\n"
                + "snapshot: { chunkSize: 500 }\n"
                + "stream: { idleCheckpointInterval: 500ms }\n"
                + "collections:\n  - name: items\n  - name: other");
    TidemarkConfig config = new YamlConfigLoader().parse(yaml, "test configuration");
    try (Daemon daemon = Daemon.start(config);
        AdminServer admin = AdminServer.start(config.admin(), new DaemonAdminBackend(daemon))) {
      port = admin.port();
      assertThat(port).isPositive();

      // Nothing without the token, not even health.
      for (String path : new String[] {"/health", "/status", "/metrics", "/nope"}) {
        assertThat(send("GET", path, null).statusCode()).as(path).isEqualTo(401);
        assertThat(send("GET", path, "wrong").statusCode()).as(path).isEqualTo(401);
      }
      assertThat(send("POST", "/collections/items/pause", null).statusCode()).isEqualTo(401);

      TestPipeline.awaitState(daemon, CollectionState.STREAMING, Duration.ofSeconds(60));
      JsonNode health = json("GET", "/health", 200);
      assertThat(health.get("status").asText()).isEqualTo("UP");
      assertThat(health.get("pipeline").asText()).isEqualTo("it");

      JsonNode items = collectionStatus("items");
      assertThat(items.get("table").asText()).isEqualTo("items");
      assertThat(items.get("state").asText()).isEqualTo("STREAMING");
      assertThat(items.get("rowsCopied").asLong()).isEqualTo(20_000);
      assertThat(items.get("checkpoint").get("clusterTime").asText()).matches("\\d+\\.\\d+");
      assertThat(items.get("checkpoint").get("time").asText()).endsWith("Z");
      assertThat(items.get("lagSeconds").isNumber()).isTrue();
      assertThat(items.get("lastCommitAt").asText()).endsWith("Z");
      assertThat(items.get("lastError").isNull()).isTrue();
      assertThat(items.get("rebuild").isNull()).isTrue();
      for (String field :
          new String[] {
            "rowsEstimated", "copyRatePerSecond", "copyEtaSeconds", "eventsApplied", "deadLetters"
          }) {
        assertThat(items.has(field)).as(field).isTrue();
      }

      // Pause: the collection stops taking changes, health says so; resume catches up.
      JsonNode paused = json("POST", "/collections/items/pause", 200);
      assertThat(paused.get("result").asText()).isEqualTo("pausing");
      awaitState("items", "PAUSED");
      HttpResponse<String> down = send("GET", "/health", TOKEN);
      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(JSON.readTree(down.body()).get("collections").get(0).get("healthy").asBoolean())
          .isFalse();
      assertThat(JSON.readTree(down.body()).get("collections").get(1).get("healthy").asBoolean())
          .as("the other collection keeps streaming")
          .isTrue();
      p.collection("items").insertOne(workload.document(900_000));
      Thread.sleep(1500);
      assertThat(p.query("SELECT count(*) FROM items WHERE _id = '900000'"))
          .as("a paused collection applies nothing")
          .containsExactly("0");
      json("POST", "/collections/items/resume", 200);
      awaitState("items", "STREAMING");
      p.awaitMatch("items", "items", Duration.ofSeconds(60));
      assertThat(json("GET", "/health", 200).get("status").asText()).isEqualTo("UP");
      TestPipeline.await(
          () -> TestPipeline.status(daemon, "items").eventsApplied() > 0,
          Duration.ofSeconds(30),
          () -> "no event applied: " + daemon.status());

      HttpResponse<String> metrics = send("GET", "/metrics", TOKEN);
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Content-Type"))
          .hasValue("text/plain; version=0.0.4; charset=utf-8");
      assertThat(metrics.body())
          .contains("tidemark_snapshot_rows_total{collection=\"items\"} 20000.0")
          .contains("tidemark_events_applied_total{collection=\"items\",operation=\"insert\"}");

      // A rebuild: accepted once, refused while it runs, then swapped in.
      JsonNode started = json("POST", "/collections/items/resnapshot", 202);
      assertThat(started.get("result").asText()).isEqualTo("rebuild started");
      JsonNode conflict = json("POST", "/collections/items/resnapshot", 409);
      assertThat(conflict.get("error").asText())
          .isEqualTo(
              "A rebuild of 'items' is already running; follow it in GET /status"
                  + " (collections[].rebuild).");
      TestPipeline.await(
          () -> TestPipeline.status(daemon, "items").rebuild() == null,
          Duration.ofSeconds(120),
          () -> "the rebuild did not finish: " + daemon.status());
      awaitState("items", "STREAMING");
      p.awaitMatch("items", "items", Duration.ofSeconds(60));

      // Refusals.
      assertThat(json("POST", "/collections/nope/pause", 404).get("error").asText())
          .isEqualTo("No collection 'nope' in pipeline 'it' (configured: items, other).");
      assertThat(json("GET", "/nope", 404).get("error").asText())
          .startsWith("No such endpoint: /nope.");
      HttpResponse<String> wrongMethod = send("GET", "/collections/items/resnapshot", TOKEN);
      assertThat(wrongMethod.statusCode()).isEqualTo(405);
      assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");
      assertThat(send("POST", "/status", TOKEN).statusCode()).isEqualTo(405);

      // The commands of the real jar, with the daemon's address in their configuration.
      Path file =
          p.writeConfig(dir, yaml.replace("admin: { port: 0,", "admin: { port: " + port + ","));
      EngineProcess.Outcome status =
          EngineProcess.runToEnd(dir, "status", "--config", file.toString());
      assertThat(status.exitCode()).as(status.output()).isZero();
      assertThat(status.output())
          .contains("Pipeline 'it' at ")
          .containsPattern("\\nitems +items +STREAMING +")
          .containsPattern("\\nother +other +STREAMING +");
      EngineProcess.Outcome unknown =
          EngineProcess.runToEnd(dir, "resnapshot", "nope", "--config", file.toString());
      assertThat(unknown.exitCode()).as(unknown.output()).isEqualTo(2);
      assertThat(unknown.output())
          .contains("tidemark: No collection 'nope' in pipeline 'it' (configured: items, other).");
      EngineProcess.Outcome rebuild =
          EngineProcess.runToEnd(dir, "resnapshot", "other", "--config", file.toString());
      assertThat(rebuild.exitCode()).as(rebuild.output()).isZero();
      assertThat(rebuild.output()).contains("Rebuild of 'other' started");
      TestPipeline.await(
          () -> TestPipeline.status(daemon, "other").rebuild() == null,
          Duration.ofSeconds(60),
          () -> "the rebuild of other did not finish: " + daemon.status());
      p.awaitMatch("other", "other", Duration.ofSeconds(60));
    }
  }

  @Test
  void commandsSayWhenNoDaemonRuns(@TempDir Path dir) throws Exception {
    TestPipeline p = TestPipeline.create("admindown");
    int free;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      free = s.getLocalPort();
    }
    Path file =
        p.writeConfig(dir, p.yaml("admin: { port: " + free + " }\ncollections:\n  - name: items"));
    EngineProcess.Outcome status =
        EngineProcess.runToEnd(dir, "status", "--config", file.toString());
    assertThat(status.exitCode()).isEqualTo(3);
    assertThat(status.output())
        .isEqualTo(
            "tidemark: no Tidemark daemon answers at http://127.0.0.1:"
                + free
                + " (admin.port in "
                + file
                + "); start it with 'tidemark run --config "
                + file
                + "'.\n");
  }
}
