package io.tidemark.app.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidemark.core.config.TidemarkConfig.AdminConfig;
import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.pipeline.CollectionState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private FakeBackend backend;
  private AdminServer server;

  @BeforeEach
  void start() {
    backend =
        new FakeBackend()
            .with("orders", CollectionState.STREAMING)
            .with("customers", CollectionState.SNAPSHOTTING);
    server = AdminServer.start(new AdminConfig(0, "127.0.0.1", "secret"), backend);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> send(String method, String path, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .timeout(Duration.ofSeconds(10))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send("GET", path, "secret");
  }

  private HttpResponse<String> post(String path) throws Exception {
    return send("POST", path, "secret");
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
    return JSON.readTree(r.body());
  }

  @Test
  void everyEndpointRefusesAMissingOrWrongToken() throws Exception {
    for (String path : new String[] {"/health", "/metrics", "/status", "/nowhere"}) {
      for (String token : new String[] {null, "wrong", "secre", "secrett", ""}) {
        HttpResponse<String> r = send("GET", path, token);
        assertThat(r.statusCode()).as("%s with token %s", path, token).isEqualTo(401);
        assertThat(json(r).get("error").asText())
            .isEqualTo(
                "Missing or wrong bearer token: send the header 'Authorization: Bearer"
                    + " <admin.token>'.");
        assertThat(r.headers().firstValue("WWW-Authenticate"))
            .hasValue("Bearer realm=\"tidemark\"");
      }
    }
    assertThat(send("POST", "/collections/orders/pause", "wrong").statusCode()).isEqualTo(401);
    assertThat(backend.calls).as("nothing reached the pipeline").isEmpty();
  }

  @Test
  void otherSchemesThanBearerAreRefused() throws Exception {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/status"))
            .header("Authorization", "Basic c2VjcmV0")
            .build();
    assertThat(http.send(r, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
  }

  @Test
  void healthIs200WhenEveryCollectionMovesData() throws Exception {
    HttpResponse<String> r = get("/health");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = json(r);
    assertThat(body.get("status").asText()).isEqualTo("UP");
    assertThat(body.get("collections").get(0).get("collection").asText()).isEqualTo("orders");
    assertThat(body.get("collections").get(0).get("state").asText()).isEqualTo("STREAMING");
    assertThat(body.get("collections").get(1).get("healthy").asBoolean()).isTrue();
  }

  @Test
  void healthIs503WhenACollectionFailedOrIsPaused() throws Exception {
    for (CollectionState bad :
        new CollectionState[] {
          CollectionState.FAILED,
          CollectionState.PAUSED,
          CollectionState.RECONNECTING,
          CollectionState.REBUILDING,
          CollectionState.STOPPED
        }) {
      backend.collections.get("customers").status = FakeBackend.status("customers", bad);
      HttpResponse<String> r = get("/health");
      assertThat(r.statusCode()).as("%s", bad).isEqualTo(503);
      JsonNode body = json(r);
      assertThat(body.get("status").asText()).isEqualTo("DOWN");
      assertThat(body.get("collections").get(0).get("healthy").asBoolean()).isTrue();
      assertThat(body.get("collections").get(1).get("healthy").asBoolean()).isFalse();
      assertThat(body.get("collections").get(1).get("state").asText()).isEqualTo(bad.name());
    }
    assertThat(json(get("/health")).get("collections").get(1).has("lastError")).isFalse();
    backend.collections.get("customers").status =
        FakeBackend.status("customers", CollectionState.FAILED);
    assertThat(json(get("/health")).get("collections").get(1).get("lastError").asText())
        .isEqualTo("history lost");
  }

  @Test
  void aCollectionWaitingToBeCreatedKeepsHealthUpAndSaysWhatItWaitsFor() throws Exception {
    backend.collections.get("customers").status =
        FakeBackend.status("customers", CollectionState.WAITING);

    HttpResponse<String> r = get("/health");

    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode customers = json(r).get("collections").get(1);
    assertThat(customers.get("state").asText()).isEqualTo("WAITING");
    assertThat(customers.get("healthy").asBoolean()).isTrue();
    assertThat(customers.get("detail").asText())
        .isEqualTo(
            "collection customers does not exist in the source yet; it is copied and streamed"
                + " once created, from a time captured before its first insert");
    assertThat(json(get("/health")).get("collections").get(0).has("detail")).isFalse();
  }

  @Test
  void aStandbyIsHealthyButNotReadyAndSaysItsRoleEverywhere() throws Exception {
    backend.role = AdminBackend.Role.STANDBY;
    backend.collections.clear();
    HttpResponse<String> health = get("/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(json(health).get("role").asText()).isEqualTo("STANDBY");
    HttpResponse<String> ready = get("/ready");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(json(ready).get("detail").asText()).contains("standby");
    assertThat(json(get("/status")).get("role").asText()).isEqualTo("STANDBY");
    assertThat(StatusTable.render(json(get("/status")))).contains("This process is a standby");
  }

  @Test
  void aWriterIsReadyOnlyWhileEveryCollectionMovesData() throws Exception {
    backend.with("orders", CollectionState.STREAMING);
    assertThat(get("/ready").statusCode()).isEqualTo(200);
    assertThat(json(get("/ready")).get("role").asText()).isEqualTo("WRITER");
    backend.with("customers", CollectionState.PAUSED);
    assertThat(get("/ready").statusCode()).isEqualTo(503);
  }

  @Test
  void statusHasEveryFieldOfEveryCollection() throws Exception {
    HttpResponse<String> r = get("/status");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = json(r);
    assertThat(body.get("pipeline").asText()).isEqualTo("fake");
    assertThat(body.get("time").asText()).isNotEmpty();
    JsonNode c = body.get("collections").get(1);
    assertThat(c.get("collection").asText()).isEqualTo("customers");
    assertThat(c.get("table").asText()).isEqualTo("customers_table");
    assertThat(c.get("state").asText()).isEqualTo("SNAPSHOTTING");
    assertThat(c.get("rowsCopied").asLong()).isEqualTo(500);
    assertThat(c.get("rowsEstimated").asLong()).isEqualTo(1000);
    assertThat(c.get("copyRatePerSecond").asDouble()).isEqualTo(250.0);
    assertThat(c.get("copyEtaSeconds").asLong()).isEqualTo(2);
    assertThat(c.get("eventsApplied").asLong()).isEqualTo(42);
    assertThat(c.get("deadLetters").asLong()).isEqualTo(1);
    assertThat(c.get("lagSeconds").asLong()).isBetween(3L, 5L);
    assertThat(c.get("checkpoint").get("clusterTime").asText()).matches("\\d+\\.7");
    assertThat(c.get("checkpoint").get("time").asText()).endsWith("Z");
    assertThat(c.get("lastCommitAt").asText()).isEqualTo("2024-05-01T10:00:00Z");
    assertThat(c.get("lastError").isNull()).isTrue();
    assertThat(c.get("rebuild").isNull()).isTrue();
    JsonNode orders = body.get("collections").get(0);
    assertThat(orders.get("copyEtaSeconds").isNull()).as("no ETA while streaming").isTrue();
  }

  @Test
  void statusCarriesARunningRebuild() throws Exception {
    var collection = backend.collections.get("orders");
    collection.status =
        collection.status.withRebuild(FakeBackend.status("orders", CollectionState.SNAPSHOTTING));
    JsonNode rebuild = json(get("/status")).get("collections").get(0).get("rebuild");
    assertThat(rebuild.get("state").asText()).isEqualTo("SNAPSHOTTING");
    assertThat(rebuild.get("rowsCopied").asLong()).isEqualTo(500);
    assertThat(rebuild.get("copyEtaSeconds").asLong()).isEqualTo(2);
  }

  @Test
  void metricsAreServedAsPrometheusText() throws Exception {
    HttpResponse<String> r = get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(r.body()).isEqualTo(backend.metrics);
  }

  @Test
  void pauseAndResumeReachTheCollection() throws Exception {
    HttpResponse<String> r = post("/collections/orders/pause");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).get("result").asText()).isEqualTo("pausing");
    r = post("/collections/orders/resume");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).get("result").asText()).isEqualTo("resuming");
    assertThat(backend.calls).containsExactly("pause orders", "resume orders");
  }

  @Test
  void resnapshotIs202ThenConflictWhileOneRuns() throws Exception {
    HttpResponse<String> r = post("/collections/customers/resnapshot");
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(json(r).get("result").asText()).isEqualTo("rebuild started");
    r = post("/collections/customers/resnapshot");
    assertThat(r.statusCode()).isEqualTo(409);
    assertThat(json(r).get("error").asText())
        .isEqualTo(
            "A rebuild of 'customers' is already running; follow it in GET /status"
                + " (collections[].rebuild).");
  }

  @Test
  void unknownCollectionIs404NamingTheConfiguredOnes() throws Exception {
    HttpResponse<String> r = post("/collections/ordres/pause");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(json(r).get("error").asText())
        .isEqualTo("No collection 'ordres' in pipeline 'fake' (configured: customers, orders).");
    assertThat(backend.calls).isEmpty();
  }

  @Test
  void encodedCollectionNamesAreDecoded() throws Exception {
    backend.with("a b+c", CollectionState.STREAMING);
    assertThat(post(AdminClient.collectionPath("a b+c", "pause")).statusCode()).isEqualTo(200);
    assertThat(backend.calls).containsExactly("pause a b+c");
  }

  @Test
  void unknownPathIs404() throws Exception {
    for (String path :
        new String[] {
          "/", "/healthz", "/status/", "/collections/orders", "/collections/orders/x"
        }) {
      HttpResponse<String> r = get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(404);
      assertThat(json(r).get("error").asText()).startsWith("No such endpoint: " + path + ".");
    }
  }

  @Test
  void wrongMethodIs405WithAllow() throws Exception {
    HttpResponse<String> r = get("/collections/orders/pause");
    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("Allow")).hasValue("POST");
    assertThat(json(r).get("error").asText())
        .isEqualTo("GET is not allowed on /collections/orders/pause; use POST.");
    r = post("/status");
    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("Allow")).hasValue("GET");
    assertThat(send("DELETE", "/health", "secret").statusCode()).isEqualTo(405);
    assertThat(backend.calls).isEmpty();
  }

  @Test
  void headAnswersLikeGetWithoutABody() throws Exception {
    HttpResponse<String> r = send("HEAD", "/health", "secret");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEmpty();
  }

  @Test
  void aFailingBackendIs500WithTheReason() throws Exception {
    backend.metrics = null;
    HttpResponse<String> r = get("/metrics");
    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(json(r).get("error").asText()).startsWith("The request failed inside Tidemark: ");
  }

  @Test
  void withoutATokenEveryRequestIsServed() throws Exception {
    try (AdminServer open = AdminServer.start(new AdminConfig(0, "127.0.0.1", null), backend)) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + open.port() + "/status"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void portMinusOneTurnsTheApiOff() {
    AdminServer off = AdminServer.start(new AdminConfig(-1, "127.0.0.1", null), backend);
    assertThat(off.enabled()).isFalse();
    assertThat(off.port()).isEqualTo(-1);
    off.close();
  }

  @Test
  void aPortInUseIsAConfigurationErrorWithTheFix() {
    assertThatThrownBy(
            () -> AdminServer.start(new AdminConfig(server.port(), "127.0.0.1", null), backend))
        .isInstanceOf(TidemarkException.class)
        .hasMessageStartingWith("The admin API cannot listen on 127.0.0.1:" + server.port() + " (")
        .hasMessageEndingWith(
            "). Another process (perhaps another Tidemark) uses the port: choose another"
                + " admin.port, 0 for any free port, or -1 to turn the API off.")
        .extracting(e -> ((TidemarkException) e).code())
        .isEqualTo(ErrorCode.CONFIG_INVALID);
  }

  @Test
  void closeIsIdempotent() {
    server.close();
    server.close();
  }
}
