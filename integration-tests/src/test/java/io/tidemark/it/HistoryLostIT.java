package io.tidemark.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tidemark.app.Daemon;
import io.tidemark.core.pipeline.CollectionState;
import io.tidemark.core.pipeline.CollectionStatus;
import io.tidemark.it.support.CounterWorkload;
import io.tidemark.it.support.TestPipeline;
import java.time.Duration;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * When the committed position has fallen out of the oplog, the collection stops with a message that
 * says so and names the command to rebuild; it does not retry forever or skip the gap.
 */
class HistoryLostIT {

  @Test
  void positionOutOfTheOplogStopsTheCollectionWithTheRebuildCommand() throws Exception {
    TestPipeline p = TestPipeline.create("histlost");
    assumeTrue(
        p.mongo().standIn().isPresent(),
        "needs the stand-in: a real server's oplog cannot be truncated on demand");
    CounterWorkload workload = new CounterWorkload(p.collection("items"), 9);
    workload.seed(100);
    String yaml = p.yaml("collections:\n  - name: items");
    try (Daemon daemon = p.startDaemon(yaml)) {
      TestPipeline.awaitState(daemon, CollectionState.STREAMING, Duration.ofSeconds(60));
      for (int i = 0; i < 10; i++) {
        workload.step();
      }
      p.awaitMatch("items", "items", Duration.ofSeconds(30));
    }
    // While Tidemark is down, the oplog moves on and drops what Tidemark had not read.
    for (int i = 0; i < 10; i++) {
      workload.step();
    }
    BsonTimestamp now =
        p.db().runCommand(new Document("ping", 1)).get("operationTime", BsonTimestamp.class);
    p.mongo().standIn().orElseThrow().truncateOplogBefore(now);

    try (Daemon daemon = p.startDaemon(yaml)) {
      TestPipeline.awaitState(daemon, CollectionState.FAILED, Duration.ofSeconds(30));
      CollectionStatus status = TestPipeline.status(daemon, "items");
      assertThat(status.lastError())
          .containsPattern("items: (opening|reading) the change stream (at .* )?failed")
          .contains("fallen out of the source's oplog (MongoDB error 286")
          .contains("'tidemark resnapshot items'");
      assertThat(status.eventsApplied()).isZero();
    }
  }
}
