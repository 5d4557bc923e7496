package io.tidemark.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.it.support.BackgroundWriter;
import io.tidemark.it.support.CounterWorkload;
import io.tidemark.it.support.EngineProcess;
import io.tidemark.it.support.TestPipeline;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rebuild started with the admin command, interrupted by SIGKILL halfway through its copy: the
 * live table stays complete, and after a restart the rebuild carries on and is swapped in.
 */
class RebuildRestartIT {
  private static final String SHADOW_PROGRESS =
      "SELECT s.state || ':' || (SELECT coalesce(sum(r.rows_copied), 0)"
          + " FROM tidemark.snapshot_range r WHERE r.collection = s.collection)"
          + " FROM tidemark.snapshot s WHERE s.collection = 'items$rebuild'";

  @Test
  void rebuildInterruptedByAKillResumesAfterTheRestart(@TempDir Path dir) throws Exception {
    TestPipeline p = TestPipeline.create("rebuildkill");
    CounterWorkload workload = new CounterWorkload(p.collection("items"), 41);
    int seeded = 30_000;
    workload.seed(seeded);
    int adminPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      adminPort = socket.getLocalPort();
    }
    Path config =
        p.writeConfig(
            dir,
            p.yaml(
                "admin: { port: "
                    + adminPort
                    + " }\n"
                    + "snapshot: { chunkSize: 200 }\n"
                    + "stream: { idleCheckpointInterval: 500ms }\n"
                    + "collections:\n  - name: items"));
    Path logs = Path.of(System.getProperty("tidemark.it.logs", "target/it-logs"));

    BackgroundWriter writer = null;
    try {
      try (EngineProcess first =
          EngineProcess.start(config, logs.resolve("rebuild-restart-1.log"))) {
        p.awaitMatch("items", "items", Duration.ofSeconds(90));
        writer = BackgroundWriter.start(workload::step, 3);
        EngineProcess.Outcome requested =
            EngineProcess.runToEnd(dir, "resnapshot", "items", "--config", config.toString());
        assertThat(requested.exitCode()).as(requested.output()).isZero();
        TestPipeline.await(
            () -> shadowRowsCopied(p) > 0,
            Duration.ofSeconds(60),
            () -> "the rebuild copied nothing: " + requested.output());
        first.kill();
      }
      assertThat(shadowProgress(p))
          .as("the rebuild was cut off before its swap")
          .matches("(RUNNING|DONE):\\d+");
      assertThat(p.count("items"))
          .as("the live table stays complete while the rebuild is unfinished")
          .isGreaterThanOrEqualTo(seeded - workload.deletes());

      try (EngineProcess second =
          EngineProcess.start(config, logs.resolve("rebuild-restart-2.log"))) {
        TestPipeline.await(
            () -> shadowProgress(p).isEmpty(),
            Duration.ofSeconds(120),
            () -> "the rebuild never finished after the restart: " + tail(second));
        writer.stop();
        p.awaitMatch("items", "items", Duration.ofSeconds(90));
        assertThat(second.log()).contains("rebuild resumed (interrupted by a restart)");
        assertThat(second.log()).contains("rebuild complete");
        assertThat(p.query("SELECT to_regclass('public.items__tidemark_rebuild') IS NULL"))
            .containsExactly("t");
        assertThat(second.terminate(60)).isZero();
      }
    } finally {
      if (writer != null) {
        writer.stop();
      }
    }
  }

  private static String shadowProgress(TestPipeline p) {
    try {
      List<String> rows = p.query(SHADOW_PROGRESS);
      return rows.isEmpty() ? "" : rows.get(0);
    } catch (java.sql.SQLException e) {
      return "";
    }
  }

  private static long shadowRowsCopied(TestPipeline p) {
    String progress = shadowProgress(p);
    return progress.isEmpty() ? 0 : Long.parseLong(progress.substring(progress.indexOf(':') + 1));
  }

  private static String tail(EngineProcess engine) {
    try {
      String log = engine.log();
      return log.substring(Math.max(0, log.length() - 3000));
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
