package io.tidemark.app.demo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import io.tidemark.app.Daemon;
import io.tidemark.app.verify.CollectionResult;
import io.tidemark.app.verify.Verifier;
import io.tidemark.app.verify.VerifyOptions;
import io.tidemark.app.verify.VerifyReport;
import io.tidemark.core.config.TidemarkConfig;
import io.tidemark.core.config.YamlConfigLoader;
import io.tidemark.core.pipeline.CollectionState;
import io.tidemark.core.pipeline.CollectionStatus;
import io.tidemark.harness.postgres.EmbeddedSettings;
import io.tidemark.harness.postgres.PostgresServer;
import io.tidemark.harness.standin.StandInMongo;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.bson.Document;

/**
 * The embedded demo: real pipeline, embedded servers, a live workload, and a check at the end that
 * every table equals its collection.
 */
public final class Demo {
  private static final String DATABASE = "shop";
  private static final Duration CONVERGE_TIMEOUT = Duration.ofSeconds(120);

  private final int documents;
  private final int seconds;
  private final int writesPerSecond;
  private final PrintWriter out;

  public Demo(int documents, int seconds, int writesPerSecond, PrintWriter out) {
    this.documents = documents;
    this.seconds = seconds;
    this.writesPerSecond = writesPerSecond;
    this.out = out;
  }

  /**
   * @return true when every table matched its collection
   */
  public boolean run() throws Exception {
    long started = System.nanoTime();
    say("starting embedded MongoDB stand-in and embedded PostgreSQL...");
    try (StandInMongo mongo = StandInMongo.start();
        PostgresServer postgres = PostgresServer.embedded(EmbeddedSettings.DEFAULT);
        MongoClient client = MongoClients.create(mongo.connectionString())) {
      MongoDatabase db = client.getDatabase(DATABASE);
      DemoWorkload workload = new DemoWorkload(42);
      MongoCollection<Document> orders = db.getCollection("orders");
      workload.seedOrders(orders, documents);
      workload.seedCustomers(db.getCollection("customers"), Math.max(1, documents / 5));
      say(
          "seeded %d orders and %d customers in %s",
          documents, Math.max(1, documents / 5), mongo.connectionString());

      java.nio.file.Path configFile = java.nio.file.Files.createTempFile("tidemark-demo", ".yaml");
      configFile.toFile().deleteOnExit();
      java.nio.file.Files.writeString(configFile, yaml(mongo, postgres, freePort()));
      TidemarkConfig config = new YamlConfigLoader().load(configFile);
      long copyStart = System.nanoTime();
      Map<String, Integer> writes = new TreeMap<>();
      double copySeconds;
      try (Daemon daemon = Daemon.start(config)) {
        copySeconds = awaitStreaming(daemon, copyStart);
        say(
            "copy finished in %.1f s; writing for %d s at ~%d writes/s while streaming...",
            copySeconds, seconds, writesPerSecond);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long nextReport = System.nanoTime();
        long interval = TimeUnit.SECONDS.toNanos(1) / Math.max(1, writesPerSecond);
        long next = System.nanoTime();
        while (System.nanoTime() < end) {
          writes.merge(workload.step(orders), 1, Integer::sum);
          next += interval;
          long sleep = next - System.nanoTime();
          if (sleep > 0) {
            TimeUnit.NANOSECONDS.sleep(sleep);
          }
          if (System.nanoTime() >= nextReport) {
            report(daemon);
            nextReport += TimeUnit.SECONDS.toNanos(2);
          }
        }
        say("writes done: %s; waiting for the tables to converge...", writes);
        long convergeStart = System.nanoTime();
        // The check an operator runs, `tidemark verify`, until the tables have caught up.
        VerifyReport verified = new Verifier(config, VerifyOptions.defaults()).run();
        long deadline = System.nanoTime() + CONVERGE_TIMEOUT.toNanos();
        while (!verified.identical() && System.nanoTime() < deadline) {
          TimeUnit.MILLISECONDS.sleep(500);
          verified = new Verifier(config, VerifyOptions.defaults()).run();
        }
        double convergeSeconds = (System.nanoTime() - convergeStart) / 1e9;
        report(daemon);
        boolean ok = verified.identical();
        out.println();
        out.println("Tidemark demo summary");
        for (CollectionResult r : verified.collections()) {
          out.printf(
              "  %-10s -> %-26s: %s (%d documents, %d rows, %d missing, %d extra, %d different)%n",
              r.collection(),
              r.table(),
              r.identical() ? "MATCH" : "MISMATCH",
              r.documents(),
              r.rows(),
              r.missing(),
              r.extra(),
              r.different());
        }
        out.printf(
            "  copy: %.1f s; writes while streaming: %d (%s); converged %.1f s after the last write%n",
            copySeconds,
            writes.values().stream().mapToInt(Integer::intValue).sum(),
            writes,
            convergeSeconds);
        out.printf(
            "  result: %s in %.1f s total%n",
            ok ? "MATCH" : "MISMATCH", (System.nanoTime() - started) / 1e9);
        out.flush();
        // What an operator would see now: the same commands, run against this demo's daemon.
        out.println();
        out.println("$ tidemark status --config " + configFile);
        out.flush();
        io.tidemark.app.cli.TidemarkCommand.execute("status", "--config", configFile.toString());
        out.println("$ tidemark verify --config " + configFile);
        out.flush();
        io.tidemark.app.cli.TidemarkCommand.execute("verify", "--config", configFile.toString());
        out.flush();
        return ok;
      }
    }
  }

  /** Waits for every collection to stream, reporting each second; a failed one ends the demo. */
  private double awaitStreaming(Daemon daemon, long copyStart) throws InterruptedException {
    long[] nextReport = {System.nanoTime()};
    daemon.awaitAll(
        CollectionState.STREAMING,
        Duration.ofDays(1),
        () -> {
          for (CollectionStatus s : daemon.status()) {
            if (s.state() == CollectionState.FAILED) {
              throw new IllegalStateException(
                  "collection " + s.collection() + " failed: " + s.lastError());
            }
          }
          if (System.nanoTime() >= nextReport[0]) {
            report(daemon);
            nextReport[0] += TimeUnit.SECONDS.toNanos(1);
          }
        });
    return (System.nanoTime() - copyStart) / 1e9;
  }

  private void report(Daemon daemon) {
    StringBuilder line = new StringBuilder("  progress:");
    for (CollectionStatus s : daemon.status()) {
      line.append(
          String.format(
              " %s %s copied %d/%d", s.collection(), s.state(), s.rowsCopied(), s.rowsEstimated()));
      if (s.copyEtaSeconds() >= 0) {
        line.append(
            String.format(" (%.0f rows/s, ETA %d s)", s.copyRatePerSecond(), s.copyEtaSeconds()));
      }
      line.append(String.format(", %d events applied;", s.eventsApplied()));
    }
    say("%s", line);
  }

  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String yaml(StandInMongo mongo, PostgresServer postgres, int adminPort) {
    return String.join(
        "\n",
        "pipeline: demo",
        "admin: { port: " + adminPort + " }",
        "source: { uri: \"" + mongo.connectionString() + "\", database: " + DATABASE + " }",
        "sink: { jdbcUrl: \""
            + postgres.jdbcUrl()
            + "\", username: "
            + postgres.username()
            + ", password: "
            + postgres.password()
            + ", schema: public }",
        "collections:",
        "  - name: orders",
        "  - name: customers",
        "    table: crm_customers",
        "    documentColumn: doc",
        "    columns:",
        "      - { field: email, column: email, type: text }",
        "      - { field: address.city, column: city, type: text }",
        "");
  }

  private void say(String format, Object... args) {
    out.printf("[demo] " + format + "%n", args);
    out.flush();
  }
}
