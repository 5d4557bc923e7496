package io.tidemark.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.it.support.CounterWorkload;
import io.tidemark.it.support.EngineProcess;
import io.tidemark.it.support.TestPipeline;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.assertj.core.api.AbstractStringAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real daemon, with {@code --debug}, given a password in the sink's JDBC URL, in {@code
 * sink.password}, in the MongoDB URI and as {@code admin.token}: none of them appears in anything
 * it prints, whether it runs, cannot log in to MongoDB, or cannot reach the sink.
 */
class SecretsIT {
  private static final String URL_PASSWORD = "UrlSecret-91bd";
  private static final String SINK_PASSWORD = "SinkPassword-c0de";
  private static final String MONGO_PASSWORD = "MongoSecret-7f3a";
  private static final String ADMIN_TOKEN = "AdminToken-e5e5";
  private static final String ROLE = "tm_secrets";

  private static final Path LOGS =
      Path.of(System.getProperty("tidemark.it.logs", "target/it-logs"));

  @TempDir Path dir;

  private static AbstractStringAssert<?> assertNoSecretIn(String output) {
    AbstractStringAssert<?> check = assertThat(output);
    for (String secret : List.of(URL_PASSWORD, SINK_PASSWORD, MONGO_PASSWORD, ADMIN_TOKEN)) {
      check = check.doesNotContain(secret);
    }
    return check;
  }

  /** The test database's URL with no parameters, so that only the ones given here apply. */
  private static String withoutParameters(String jdbcUrl) {
    int query = jdbcUrl.indexOf('?');
    return query < 0 ? jdbcUrl : jdbcUrl.substring(0, query);
  }

  /**
   * A login whose password is the one in the URL (the driver prefers the URL's to sink.password),
   * so that the daemon also logs in to a server that checks passwords.
   */
  private static void createRole(TestPipeline p) throws Exception {
    try (Connection c = p.sink().getConnection();
        Statement st = c.createStatement()) {
      st.execute(
          "DO $$ BEGIN CREATE ROLE "
              + ROLE
              + " LOGIN SUPERUSER PASSWORD '"
              + URL_PASSWORD
              + "'; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
    }
  }

  private static String yaml(
      String mongoUri, String database, String jdbcUrl, String user, int port) {
    return String.join(
        "\n",
        "pipeline: it",
        "source: { uri: \"" + mongoUri + "\", database: " + database + " }",
        "sink: { jdbcUrl: \""
            + jdbcUrl
            + "\","
            + (user == null ? "" : " username: " + user + ",")
            + " password: \""
            + SINK_PASSWORD
            + "\", schema: public, poolSize: 4 }",
        "admin: { port: " + port + ", token: \"" + ADMIN_TOKEN + "\" }",
        "retry: { initialDelay: 200ms, maxDelay: 1s }",
        "collections:",
        "  - name: items",
        "");
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private Path write(String name, String yaml) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, yaml);
    return file;
  }

  @Test
  void aRunningDaemonAndItsStatusCommandPrintNoSecret() throws Exception {
    TestPipeline p = TestPipeline.create("secrets");
    createRole(p);
    new CounterWorkload(p.collection("items"), 3).seed(50);
    String jdbcUrl = withoutParameters(p.jdbcUrl()) + "?password=" + URL_PASSWORD;
    Path config =
        write(
            "run.yaml",
            yaml(p.mongo().connectionString(), p.db().getName(), jdbcUrl, ROLE, freePort()));
    Path log = LOGS.resolve("secrets-run.log");
    Files.deleteIfExists(log);

    String status;
    try (EngineProcess engine = EngineProcess.start(config, log, "--debug")) {
      p.awaitMatch("items", "items", Duration.ofSeconds(60));
      EngineProcess.Outcome outcome =
          EngineProcess.runToEnd(dir, "--debug", "status", "--config", config.toString());
      assertThat(outcome.exitCode()).as(outcome.output()).isZero();
      status = outcome.output();
      assertThat(engine.terminate(30)).isZero();
    }

    String output = Files.readString(log);
    assertNoSecretIn(output)
        .contains("password=***")
        .contains("token=***")
        .contains("starting pipeline 'it'");
    assertNoSecretIn(status).contains("Pipeline 'it' at ");
  }

  @Test
  void aDaemonThatCannotLogInToMongoDbPrintsNoSecret() throws Exception {
    TestPipeline p = TestPipeline.create("secrets_mongo");
    createRole(p);
    String mongoUri =
        p.mongo().connectionString().replace("://", "://tidemark:" + MONGO_PASSWORD + "@");
    String jdbcUrl = withoutParameters(p.jdbcUrl()) + "?password=" + URL_PASSWORD;
    Path config = write("mongo.yaml", yaml(mongoUri, p.db().getName(), jdbcUrl, ROLE, -1));

    EngineProcess.Outcome outcome =
        EngineProcess.runToEnd(dir, "--debug", "run", "--config", config.toString());

    assertThat(outcome.exitCode()).as(outcome.output()).isNotZero();
    assertNoSecretIn(outcome.output()).contains("://tidemark:***@");
  }

  @Test
  void anUnreachableSinkWithoutAUserPrintsNoSecretAndSaysNoUserWasGiven() throws Exception {
    TestPipeline p = TestPipeline.create("secrets_sink");
    String jdbcUrl = "jdbc:postgresql://127.0.0.1:" + freePort() + "/db?password=" + URL_PASSWORD;
    Path config =
        write("sink.yaml", yaml(p.mongo().connectionString(), p.db().getName(), jdbcUrl, null, -1));

    EngineProcess.Outcome outcome =
        EngineProcess.runToEnd(dir, "--debug", "run", "--config", config.toString());

    assertThat(outcome.exitCode()).as(outcome.output()).isEqualTo(3);
    assertNoSecretIn(outcome.output())
        .contains("?password=***")
        .contains("(no user given)")
        .doesNotContain("'null'");
  }
}
