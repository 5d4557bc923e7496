package io.tidemark.app.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidemark.app.cli.ExitCodes;
import io.tidemark.app.cli.TidemarkCommand;
import io.tidemark.core.config.TidemarkConfig.AdminConfig;
import io.tidemark.core.pipeline.CollectionState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The status and resnapshot commands against an admin server with a fake daemon behind it. */
class AdminCliTest {
  @TempDir Path dir;
  private FakeBackend backend;
  private AdminServer server;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

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

  private Path config(int port, String token) throws Exception {
    return Files.writeString(
        dir.resolve("tidemark.yaml"),
        String.join(
            "\n",
            "source: { uri: \"mongodb://127.0.0.1:1/?replicaSet=rs0\", database: shop }",
            "sink: { jdbcUrl: \"jdbc:postgresql://127.0.0.1:1/x\" }",
            "collections:",
            "  - name: orders",
            "  - name: customers",
            "admin: { port: " + port + (token == null ? "" : ", token: " + token) + " }",
            ""));
  }

  private int run(String... args) {
    CommandLine cli = new CommandLine(new TidemarkCommand());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void statusPrintsATable() throws Exception {
    Path file = config(server.port(), "secret");
    assertThat(run("status", "--config", file.toString())).isEqualTo(ExitCodes.OK);
    String[] lines = out.toString().split("\n");
    assertThat(lines[0]).startsWith("Pipeline 'fake' at ");
    assertThat(lines[1])
        .matches(
            "COLLECTION +TABLE +STATE +COPIED +RATE +ETA +EVENTS +DEAD +LAG +CHECKPOINT +LAST"
                + " COMMIT");
    assertThat(lines[2])
        .matches(
            "orders +orders_table +STREAMING +500/1000 \\(50%\\) +250 rows/s +- +42 +1 +\\ds"
                + " +\\S+Z +2024-05-01T10:00:00Z");
    assertThat(lines[3]).startsWith("customers").contains("SNAPSHOTTING", " 2s ");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void statusShowsACollectionWaitingToBeCreated() throws Exception {
    backend.collections.get("customers").status =
        FakeBackend.status("customers", CollectionState.WAITING);
    Path file = config(server.port(), "secret");

    assertThat(run("status", "--config", file.toString())).isEqualTo(ExitCodes.OK);

    assertThat(out.toString())
        .containsPattern("\\ncustomers +customers_table +WAITING ")
        .contains(
            "\n    waiting: collection customers does not exist in the source yet; it is copied"
                + " and streamed once created, from a time captured before its first insert\n");
  }

  @Test
  void statusJsonIsTheDaemonsAnswer() throws Exception {
    Path file = config(server.port(), "secret");
    assertThat(run("status", "--json", "--config", file.toString())).isEqualTo(ExitCodes.OK);
    var json = new ObjectMapper().readTree(out.toString());
    assertThat(json.get("pipeline").asText()).isEqualTo("fake");
    assertThat(json.get("collections")).hasSize(2);
  }

  @Test
  void statusExitsFailedWhenACollectionFailed() throws Exception {
    backend.collections.get("orders").status = FakeBackend.status("orders", CollectionState.FAILED);
    Path file = config(server.port(), "secret");
    assertThat(run("status", "--config", file.toString())).isEqualTo(ExitCodes.FAILED);
    assertThat(out.toString()).contains("    last error: history lost\n");
  }

  @Test
  void statusWithTheWrongTokenSaysSo() throws Exception {
    Path file = config(server.port(), "nope");
    assertThat(run("status", "--config", file.toString())).isEqualTo(ExitCodes.CONFIG);
    assertThat(err.toString())
        .isEqualTo(
            "tidemark: the daemon at http://127.0.0.1:"
                + server.port()
                + " refused the token: admin.token in "
                + file
                + " must be the token the daemon was started with.\n");
  }

  @Test
  void noDaemonIsOneParagraphAndExit3() throws Exception {
    int free;
    try (ServerSocket s = new ServerSocket(0)) {
      free = s.getLocalPort();
    }
    Path file = config(free, null);
    for (String[] args :
        new String[][] {
          {"status", "--config", file.toString()},
          {"resnapshot", "orders", "--config", file.toString()}
        }) {
      err.getBuffer().setLength(0);
      assertThat(run(args)).isEqualTo(ExitCodes.UNAVAILABLE);
      assertThat(err.toString())
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

  @Test
  void resnapshotStartsARebuildOnceAndSaysWhenOneRuns() throws Exception {
    Path file = config(server.port(), "secret");
    assertThat(run("resnapshot", "customers", "--config", file.toString())).isEqualTo(ExitCodes.OK);
    assertThat(out.toString())
        .startsWith("Rebuild of 'customers' started: it is copied into a shadow table");
    assertThat(run("resnapshot", "customers", "--config", file.toString()))
        .isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString())
        .isEqualTo(
            "tidemark: A rebuild of 'customers' is already running; follow it in GET /status"
                + " (collections[].rebuild).\n");
    assertThat(backend.calls).containsExactly("resnapshot customers", "resnapshot customers");
  }

  @Test
  void resnapshotOfAnUnknownCollectionIsAUsageError() throws Exception {
    Path file = config(server.port(), "secret");
    assertThat(run("resnapshot", "nope", "--config", file.toString())).isEqualTo(ExitCodes.CONFIG);
    assertThat(err.toString())
        .isEqualTo(
            "tidemark: No collection 'nope' in pipeline 'fake' (configured: customers,"
                + " orders).\n");
  }

  @Test
  void aConfigurationWithoutAFixedPortCannotBeCalled() {
    assertThatThrownBy(() -> AdminClient.forConfig(new AdminConfig(0, "127.0.0.1", null), "f.yaml"))
        .hasMessage(
            "admin.port is 0 in f.yaml: the daemon picks a free port at start, so this command"
                + " cannot know it. Set a fixed admin.port (default 8089) and restart the"
                + " daemon.");
    assertThatThrownBy(
            () -> AdminClient.forConfig(new AdminConfig(-1, "127.0.0.1", null), "f.yaml"))
        .hasMessageStartingWith("The admin API is off (admin.port: -1 in f.yaml)");
  }

  @Test
  void wildcardBindAddressesAreCalledOnLoopback() {
    assertThat(AdminClient.baseUri(new AdminConfig(8089, "0.0.0.0", null)).toString())
        .isEqualTo("http://127.0.0.1:8089");
    assertThat(AdminClient.baseUri(new AdminConfig(8089, "::", null)).toString())
        .isEqualTo("http://[::1]:8089");
    assertThat(AdminClient.baseUri(new AdminConfig(9, "10.0.0.5", null)).toString())
        .isEqualTo("http://10.0.0.5:9");
    assertThat(AdminClient.baseUri(new AdminConfig(9, "fe80::1", null)).toString())
        .isEqualTo("http://[fe80::1]:9");
  }

  @Test
  void durationsAreShort() {
    assertThat(StatusTable.duration(42)).isEqualTo("42s");
    assertThat(StatusTable.duration(200)).isEqualTo("3m20s");
    assertThat(StatusTable.duration(7500)).isEqualTo("2h05m");
    assertThat(StatusTable.duration(3 * 86400 + 4 * 3600)).isEqualTo("3d04h");
  }
}
