package io.tidemark.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.it.support.CounterWorkload;
import io.tidemark.it.support.EngineProcess;
import io.tidemark.it.support.TestPipeline;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two daemons on one pipeline: the second is refused, naming the first; the lock frees itself. */
class SingleWriterIT {

  @Test
  void secondDaemonIsRefusedAndTheLockFreesWhenTheFirstIsKilled(@TempDir Path dir)
      throws Exception {
    TestPipeline p = TestPipeline.create("single");
    CounterWorkload workload = new CounterWorkload(p.collection("items"), 31);
    workload.seed(200);
    Path config = p.writeConfig(dir, p.yaml("admin: { port: -1 }\ncollections:\n  - name: items"));
    Path logs = Path.of(System.getProperty("tidemark.it.logs", "target/it-logs"));

    try (EngineProcess first = EngineProcess.start(config, logs.resolve("single-writer-1.log"))) {
      p.awaitMatch("items", "items", Duration.ofSeconds(60));
      EngineProcess.Outcome second =
          EngineProcess.runToEnd(dir, "run", "--config", config.toString());
      assertThat(second.exitCode()).as(second.output()).isEqualTo(4);
      assertThat(second.output())
          .contains("Pipeline 'it' is already being written by tidemark ")
          .contains("stop that process first")
          .doesNotContain("\tat ");
      first.kill();
    }
    workload.step();
    try (EngineProcess third = EngineProcess.start(config, logs.resolve("single-writer-3.log"))) {
      p.awaitMatch("items", "items", Duration.ofSeconds(60));
      assertThat(third.log()).contains("writer lock taken (lease epoch 2)");
      assertThat(third.terminate(30)).isZero();
    }
  }
}
