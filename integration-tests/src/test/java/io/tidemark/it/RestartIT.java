package io.tidemark.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.tidemark.app.Daemon;
import io.tidemark.core.config.StreamScope;
import io.tidemark.core.pipeline.CollectionState;
import io.tidemark.it.support.CounterWorkload;
import io.tidemark.it.support.TestPipeline;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A restart with nothing new to read must neither rewrite rows nor move the checkpoint back. */
class RestartIT {
  private static final String ROW_VERSIONS =
      "SELECT string_agg(_id || '@' || xmin::text, ',' ORDER BY _id) FROM items";
  private static final String CHECKPOINT =
      "SELECT cluster_time::text || ' ' || position_token FROM tidemark.checkpoint WHERE collection = 'items'";

  @ParameterizedTest
  @EnumSource(StreamScope.class)
  void restartWithoutWritesLeavesRowsAndCheckpointAlone(StreamScope scope) throws Exception {
    TestPipeline p = TestPipeline.create("restart");
    CounterWorkload workload = new CounterWorkload(p.collection("items"), 3);
    workload.seed(2_000);
    String yaml =
        p.yaml("stream: { idleCheckpointInterval: 500ms }\ncollections:\n  - name: items", scope);
    try (Daemon daemon = p.startDaemon(yaml)) {
      TestPipeline.awaitState(daemon, CollectionState.STREAMING, Duration.ofSeconds(60));
      for (int i = 0; i < 50; i++) {
        p.collection("items").updateOne(Filters.eq("_id", i), Updates.inc("counter", 1));
      }
      p.awaitMatch("items", "items", Duration.ofSeconds(30));
      TestPipeline.await(
          () -> TestPipeline.status(daemon, "items").eventsApplied() >= 50,
          Duration.ofSeconds(30),
          () -> "events not applied: " + daemon.status());
    }
    List<String> versionsBefore = p.query(ROW_VERSIONS);
    List<String> checkpointBefore = p.query(CHECKPOINT);
    assertThat(checkpointBefore).hasSize(1);

    try (Daemon daemon = p.startDaemon(yaml)) {
      TestPipeline.awaitState(daemon, CollectionState.STREAMING, Duration.ofSeconds(60));
      Thread.sleep(3000); // several idle checkpoint intervals
      assertThat(TestPipeline.status(daemon, "items").eventsApplied()).isZero();
    }
    assertThat(p.query(ROW_VERSIONS)).as("no row was rewritten").isEqualTo(versionsBefore);
    List<String> checkpointAfter = p.query(CHECKPOINT);
    long before = Long.parseLong(checkpointBefore.get(0).split(" ")[0]);
    long after = Long.parseLong(checkpointAfter.get(0).split(" ")[0]);
    // Equal, or later when the primary wrote a periodic no-op meanwhile (the stand-in too).
    assertThat(after).as("checkpoint cluster time").isGreaterThanOrEqualTo(before);
  }
}
