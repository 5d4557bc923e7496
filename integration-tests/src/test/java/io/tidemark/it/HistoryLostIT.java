package io.tidemark.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tidemark.app.Daemon;
import io.tidemark.core.config.TidemarkConfig.SourceConfig;
import io.tidemark.core.pipeline.CollectionState;
import io.tidemark.core.pipeline.CollectionStatus;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.HistoryWindow;
import io.tidemark.it.support.CounterWorkload;
import io.tidemark.it.support.TestPipeline;
import io.tidemark.source.mongo.MongoChangeSource;
import java.time.Duration;
import java.util.Optional;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * When the committed position has fallen out of the oplog, the collection stops with a message that
 * says so and names the command to rebuild; it does not retry forever or skip the gap. Before that,
 * the oplog window the headroom metric is computed from spans the history a stream can resume from.
 */
class HistoryLostIT {

  @Test
  void theOplogWindowSpansTheWritesJustMade() {
    TestPipeline p = TestPipeline.create("window");
    p.collection("items").insertOne(new Document("_id", 1));
    ClusterTime written = operationTime(p);

    try (MongoChangeSource source =
        MongoChangeSource.open(
            new SourceConfig(p.mongo().connectionString(), p.db().getName()),
            Duration.ofSeconds(10),
            p.mongo().commandListeners())) {
      // Asked on every MongoDB, so that the command inventory sees its two reads of the oplog.
      Optional<HistoryWindow> read = source.historyWindow();
      assumeTrue(
          p.mongo().standIn().isEmpty(),
          "needs a real replica set member: the stand-in keeps its oplog in memory, not in"
              + " local.oplog.rs, so it has no window to read (the headroom metric stays -1)");
      HistoryWindow window =
          read.orElseThrow(() -> new AssertionError("no oplog window on a replica set member"));
      assertThat(window.oldest()).isLessThanOrEqualTo(window.newest());
      // The insert is in the oplog: the window's newest entry is at or after it.
      assertThat(window.newest()).isGreaterThanOrEqualTo(written);
    }
  }

  private static ClusterTime operationTime(TestPipeline p) {
    BsonTimestamp t =
        p.db().runCommand(new Document("ping", 1)).get("operationTime", BsonTimestamp.class);
    return new ClusterTime(t.getTime(), t.getInc());
  }

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
