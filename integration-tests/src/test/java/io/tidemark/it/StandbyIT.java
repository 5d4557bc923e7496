package io.tidemark.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.it.support.CounterWorkload;
import io.tidemark.it.support.EngineProcess;
import io.tidemark.it.support.TestPipeline;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hot standby (issue 15): two daemons on one pipeline, the second started with {@code standby:
 * true}. The standby answers its probes as a standby while the writer writes; the writer is killed
 * (SIGKILL) under load; the standby takes the writer lock, resumes from the committed checkpoints,
 * and the table converges. The takeover time is printed.
 */
class StandbyIT {
  private static final Logger LOG = LoggerFactory.getLogger(StandbyIT.class);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void theStandbyTakesOverWithinSecondsOfTheWritersDeathAndTheTableConverges(@TempDir Path dir)
      throws Exception {
    TestPipeline p = TestPipeline.create("standby");
    CounterWorkload workload = new CounterWorkload(p.collection("items"), 47);
    workload.seed(2_000);
    int writerPort = freePort();
    int standbyPort = freePort();
    Path writerConfig =
        Files.writeString(
            dir.resolve("writer.yaml"),
            p.yaml("admin: { port: " + writerPort + " }\ncollections:\n  - name: items"));
    Path standbyConfig =
        Files.writeString(
            dir.resolve("standby.yaml"),
            p.yaml(
                "standby: true\nadmin: { port: "
                    + standbyPort
                    + " }\ncollections:\n  - name: items"));
    Path logs = Path.of(System.getProperty("tidemark.it.logs", "target/it-logs"));

    EngineProcess writer = EngineProcess.start(writerConfig, logs.resolve("standby-1.log"));
    EngineProcess standby = null;
    try {
      p.awaitMatch("items", "items", Duration.ofSeconds(60)); // the writer writes; then the standby
      standby = EngineProcess.start(standbyConfig, logs.resolve("standby-2.log"));
      TestPipeline.await(
          () -> get(standbyPort, "/health").contains("\"role\":\"STANDBY\""),
          Duration.ofSeconds(60),
          () -> "the standby never answered as one: " + get(standbyPort, "/health"));
      assertThat(status(standbyPort, "/health")).as("a standby is alive").isEqualTo(200);
      assertThat(status(standbyPort, "/ready")).as("but not ready").isEqualTo(503);
      assertThat(status(writerPort, "/ready")).isEqualTo(200);
      assertThat(get(standbyPort, "/metrics")).contains("tidemark_standby{pipeline=\"it\"} 1.0");

      AtomicBoolean writing = new AtomicBoolean(true);
      Thread load =
          new Thread(
              () -> {
                while (writing.get()) {
                  workload.step();
                }
              },
              "standby-load");
      load.start();
      Thread.sleep(2_000);
      writer.kill(); // SIGKILL: no clean stop, a batch may be half-sent
      long killed = System.nanoTime();
      TestPipeline.await(
          () -> status(standbyPort, "/ready") == 200,
          Duration.ofSeconds(60),
          () -> "the standby never took over: " + get(standbyPort, "/health"));
      double takeoverSeconds = (System.nanoTime() - killed) / 1e9;
      LOG.info("standby took over {} s after the writer was killed", takeoverSeconds);
      Thread.sleep(1_000);
      writing.set(false);
      load.join();

      p.awaitMatch("items", "items", Duration.ofSeconds(60));
      assertThat(takeoverSeconds).as("takeover time, seconds").isLessThan(15);
      assertThat(get(standbyPort, "/health")).contains("\"role\":\"WRITER\"");
      assertThat(get(standbyPort, "/metrics")).contains("tidemark_standby{pipeline=\"it\"} 0.0");
      assertThat(standby.log()).contains("standby: took the writer lock");
      assertThat(standby.terminate(30)).isZero();
    } finally {
      writer.close();
      if (standby != null) {
        standby.close();
      }
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static int status(int port, String path) {
    try {
      return HTTP.send(request(port, path), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private static String get(int port, String path) {
    try {
      // Without the JSON's spaces, so that a test can look for "role":"STANDBY".
      String body = HTTP.send(request(port, path), HttpResponse.BodyHandlers.ofString()).body();
      return path.equals("/metrics") ? body : body.replaceAll("\\s+", "");
    } catch (Exception e) {
      return "(no answer: " + e + ")";
    }
  }

  private static HttpRequest request(int port, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5))
        .build();
  }
}
