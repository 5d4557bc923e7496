package io.tidemark.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.it.support.BackgroundWriter;
import io.tidemark.it.support.CounterWorkload;
import io.tidemark.it.support.EngineProcess;
import io.tidemark.it.support.TestPipeline;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon, in its own JVM, is killed with SIGKILL at random points during the copy and during
 * streaming while writes continue. After the last restart the table must equal the collection: with
 * {@code $inc} counters in the workload, a change applied twice or lost shows as a wrong count.
 */
class CrashRecoveryIT {
  private static final String SNAPSHOT_STATE =
      "SELECT s.state || ':' || (SELECT coalesce(sum(r.rows_copied), 0)"
          + " FROM tidemark.snapshot_range r WHERE r.collection = s.collection)"
          + " FROM tidemark.snapshot s WHERE s.collection = 'items'";

  @Test
  void convergesAfterRepeatedSigkillDuringCopyAndStreaming(@TempDir Path dir) throws Exception {
    TestPipeline p = TestPipeline.create("crash");
    CounterWorkload workload = new CounterWorkload(p.collection("items"), 7);
    workload.seed(30_000);
    Path config =
        p.writeConfig(
            dir,
            p.yaml(
                "snapshot: { chunkSize: 200 }\n"
                    + "stream: { batchSize: 200 }\n"
                    + "collections:\n  - name: items"));
    Path log =
        Path.of(System.getProperty("tidemark.it.logs", "target/it-logs"), "crash-recovery.log");
    Random random = new Random(11);

    BackgroundWriter writer = BackgroundWriter.start(workload::step, 2);
    int killsDuringCopy = 0;
    int killsDuringStreaming = 0;
    try {
      // Two kills early on, while the copy runs; then two once it has handed off to the stream.
      for (int round = 0; round < 4; round++) {
        try (EngineProcess engine = EngineProcess.start(config, log)) {
          if (round >= 2) {
            TestPipeline.await(
                () -> snapshotState(p).startsWith("DONE"),
                Duration.ofSeconds(120),
                () -> "the copy never finished; log:\n" + tail(engine));
          } else {
            long copiedBefore = rowsCopied(p);
            TestPipeline.await(
                () -> rowsCopied(p) > copiedBefore || snapshotState(p).startsWith("DONE"),
                Duration.ofSeconds(60),
                () -> "nothing was copied; log:\n" + tail(engine));
          }
          // During the copy, kill right after the first chunks land; during streaming, anywhere.
          Thread.sleep(round >= 2 ? 300 + random.nextInt(1500) : random.nextInt(50));
          String state = snapshotState(p);
          assertThat(engine.isAlive()).as("daemon died by itself: %s", tail(engine)).isTrue();
          engine.kill();
          if (state.startsWith("RUNNING")) {
            killsDuringCopy++;
          } else {
            killsDuringStreaming++;
          }
        }
      }
      try (EngineProcess engine = EngineProcess.start(config, log)) {
        Thread.sleep(2000);
        writer.stop();
        p.awaitMatch("items", "items", Duration.ofSeconds(120));
        assertThat(engine.terminate(60)).as("exit code after SIGTERM").isZero();
      }
    } finally {
      writer.stop();
    }
    assertThat(killsDuringCopy).as("kills that landed during the copy").isGreaterThanOrEqualTo(1);
    assertThat(killsDuringStreaming)
        .as("kills that landed during streaming")
        .isGreaterThanOrEqualTo(1);
    assertThat(workload.writes()).isGreaterThan(500);
    assertThat(p.query("SELECT count(*) FROM tidemark.checkpoint WHERE collection = 'items'"))
        .containsExactly("1");
  }

  private static String snapshotState(TestPipeline p) {
    try {
      List<String> rows = p.query(SNAPSHOT_STATE);
      return rows.isEmpty() ? "NONE:0" : rows.get(0);
    } catch (java.sql.SQLException e) {
      return "NONE:0"; // schema not migrated yet
    }
  }

  private static long rowsCopied(TestPipeline p) {
    String state = snapshotState(p);
    return Long.parseLong(state.substring(state.indexOf(':') + 1));
  }

  private static String tail(EngineProcess engine) {
    try {
      String log = engine.log();
      return log.substring(Math.max(0, log.length() - 4000));
    } catch (java.io.IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
