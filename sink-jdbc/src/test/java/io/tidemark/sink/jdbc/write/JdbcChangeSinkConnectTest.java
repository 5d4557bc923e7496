package io.tidemark.sink.jdbc.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.core.config.SinkConfig;
import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.spi.ChangeSink.Target;
import io.tidemark.sink.jdbc.TestDatabase;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JdbcChangeSinkConnectTest {

  private static final String USER = "tm_user";
  private static final String PASSWORD = "right-secret";

  private static TestDatabase db;

  @BeforeAll
  static void start() throws Exception {
    db = TestDatabase.start();
    db.execute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'");
    db.execute("GRANT CREATE ON DATABASE postgres TO " + USER);
    // The embedded server trusts everyone; make it check this user's password.
    Path hba = Path.of(db.queryValue("SHOW hba_file"));
    String rules =
        "host all "
            + USER
            + " 127.0.0.1/32 scram-sha-256\n"
            + "host all "
            + USER
            + " ::1/128 scram-sha-256\n";
    Files.writeString(hba, rules + Files.readString(hba, StandardCharsets.UTF_8));
    db.queryValue("SELECT pg_reload_conf()");
  }

  @AfterAll
  static void stop() throws Exception {
    db.close();
  }

  private static String url() {
    return "jdbc:postgresql://localhost:" + db.port() + "/postgres";
  }

  private static SinkConfig config(String url, String user, String password) {
    return new SinkConfig(url, user, password, "public", TestDatabase.freshName("meta"), 2);
  }

  @Test
  void theRightPasswordConnects() {
    try (JdbcChangeSink sink = JdbcChangeSink.open(config(url(), USER, PASSWORD), "p")) {
      assertThat(sink.loadProgress("anything", Target.LIVE).position()).isEmpty();
    }
  }

  @Test
  void aWrongPasswordIsReportedAsFailedWithTheFix() {
    assertThatThrownBy(() -> JdbcChangeSink.open(config(url(), USER, "wrong-secret"), "orders"))
        .isInstanceOfSatisfying(
            TidemarkException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.SINK_FAILED);
              assertThat(e.retriable()).isFalse();
              assertThat(e.databaseCode()).isEqualTo("28P01");
              assertThat(e.getMessage())
                  .startsWith(
                      "Could not connect to the sink database at "
                          + url()
                          + " as user '"
                          + USER
                          + "' for pipeline 'orders': ")
                  .contains("password authentication failed for user \"" + USER + "\"")
                  .contains("(SQLSTATE 28P01)")
                  .contains("Check sink.username/sink.password")
                  .doesNotContain("wrong-secret")
                  .doesNotContain("\n");
            });
  }

  @Test
  void anUnreachableDatabaseIsReportedAsUnavailableWithinSeconds() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String url = "jdbc:postgresql://localhost:" + closedPort + "/postgres";
    long start = System.nanoTime();

    assertThatThrownBy(() -> JdbcChangeSink.open(config(url, "postgres", "postgres"), "p"))
        .isInstanceOfSatisfying(
            TidemarkException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.SINK_UNAVAILABLE);
              assertThat(e.retriable()).isTrue();
              assertThat(e.databaseCode()).startsWith("08");
              assertThat(e.getMessage())
                  .startsWith("Could not reach the sink database at " + url + " as user 'postgres'")
                  .contains("Check that the database is running and reachable at sink.jdbcUrl");
            });
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void anUnsupportedDatabaseIsAConfigurationError() {
    assertThatThrownBy(() -> JdbcChangeSink.open(config("jdbc:mysql://localhost/x", "u", "p"), "p"))
        .isInstanceOfSatisfying(
            TidemarkException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_INVALID);
              assertThat(e.getMessage()).startsWith("sink.jdbcUrl: 'jdbc:mysql://localhost/x'");
            });
  }
}
