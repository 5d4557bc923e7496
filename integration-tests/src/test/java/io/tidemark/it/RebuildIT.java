package io.tidemark.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.app.Daemon;
import io.tidemark.core.pipeline.CollectionPipeline;
import io.tidemark.core.pipeline.CollectionState;
import io.tidemark.it.support.BackgroundWriter;
import io.tidemark.it.support.CounterWorkload;
import io.tidemark.it.support.TestPipeline;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * Zero-downtime rebuilds: the live table stays complete and keeps taking changes while a shadow
 * table is copied and caught up, then the two are swapped in one transaction.
 */
class RebuildIT {

  @Test
  void rebuildUnderLoadNeverShowsAnEmptyOrPartialTable() throws Exception {
    TestPipeline p = TestPipeline.create("rebuild");
    CounterWorkload workload = new CounterWorkload(p.collection("items"), 21);
    int seeded = 20_000;
    workload.seed(seeded);
    String yaml =
        p.yaml(
            "snapshot: { chunkSize: 1000 }\nstream: { idleCheckpointInterval: 500ms }\ncollections:\n  - name: items");
    try (Daemon daemon = p.startDaemon(yaml)) {
      TestPipeline.awaitState(daemon, CollectionState.STREAMING, Duration.ofSeconds(60));
      String tableBefore = p.query("SELECT 'public.items'::regclass::oid::text").get(0);

      AtomicLong smallestCount = new AtomicLong(Long.MAX_VALUE);
      AtomicBoolean reading = new AtomicBoolean(true);
      Thread reader =
          new Thread(
              () -> {
                while (reading.get()) {
                  try {
                    smallestCount.accumulateAndGet(p.count("items"), Math::min);
                  } catch (java.sql.SQLException e) {
                    smallestCount.set(-1); // the table was missing for a reader
                  }
                }
              },
              "test-reader");
      reader.start();
      CollectionPipeline pipeline = daemon.engine().pipeline("items").orElseThrow();
      try (BackgroundWriter writer = BackgroundWriter.start(workload::step, 2)) {
        Thread.sleep(500);
        assertThat(pipeline.requestResnapshot()).isTrue();
        assertThat(pipeline.requestResnapshot()).as("a second request while one runs").isFalse();
        TestPipeline.await(
            () ->
                pipeline.status().rebuild() != null && pipeline.status().rebuild().rowsCopied() > 0,
            Duration.ofSeconds(60),
            () -> "the rebuild did not start copying: " + pipeline.status());
        assertThat(pipeline.status().state())
            .as("the live table keeps streaming")
            .isEqualTo(CollectionState.STREAMING);
        TestPipeline.await(
            () -> pipeline.status().rebuild() == null,
            Duration.ofSeconds(120),
            () -> "the rebuild did not finish: " + pipeline.status());
        Thread.sleep(500);
      } finally {
        reading.set(false);
        reader.join();
      }
      p.awaitMatch("items", "items", Duration.ofSeconds(60));
      assertThat(p.query("SELECT 'public.items'::regclass::oid::text").get(0))
          .as("the table was swapped")
          .isNotEqualTo(tableBefore);
      assertThat(p.query("SELECT to_regclass('public.items__tidemark_rebuild') IS NULL"))
          .containsExactly("t");
      assertThat(smallestCount.get())
          .as("rows a reader saw at the least (seeded %d, deleted %d)", seeded, workload.deletes())
          .isGreaterThanOrEqualTo(seeded - workload.deletes());
      assertThat(pipeline.status().state()).isEqualTo(CollectionState.STREAMING);
      assertThat(pipeline.status().lastError()).isNull();
    }
  }

  @Test
  void historyLostWithTheResnapshotPolicyRebuildsAndRecovers() throws Exception {
    TestPipeline p = TestPipeline.create("histrebuild");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        p.mongo().standIn().isPresent(),
        "needs the stand-in: a real oplog cannot be truncated on demand");
    CounterWorkload workload = new CounterWorkload(p.collection("items"), 23);
    workload.seed(500);
    String yaml = p.yaml("onHistoryLost: resnapshot\ncollections:\n  - name: items");
    try (Daemon daemon = p.startDaemon(yaml)) {
      TestPipeline.awaitState(daemon, CollectionState.STREAMING, Duration.ofSeconds(60));
      p.awaitMatch("items", "items", Duration.ofSeconds(30));
    }
    for (int i = 0; i < 50; i++) {
      workload.step();
    }
    BsonTimestamp now =
        p.db().runCommand(new Document("ping", 1)).get("operationTime", BsonTimestamp.class);
    p.mongo().standIn().orElseThrow().truncateOplogBefore(now);
    String tableBefore = p.query("SELECT 'public.items'::regclass::oid::text").get(0);

    try (Daemon daemon = p.startDaemon(yaml);
        BackgroundWriter writer = BackgroundWriter.start(workload::step, 5)) {
      TestPipeline.await(
          () ->
              daemon
                      .registry()
                      .find(io.tidemark.core.pipeline.PipelineMetrics.ERRORS)
                      .tag("code", "HISTORY_LOST")
                      .counter()
                  != null,
          Duration.ofSeconds(30),
          () -> "history loss not noticed: " + daemon.status());
      Thread.sleep(1500);
      writer.stop();
      TestPipeline.awaitState(daemon, CollectionState.STREAMING, Duration.ofSeconds(90));
      p.awaitMatch("items", "items", Duration.ofSeconds(60));
      assertThat(TestPipeline.status(daemon, "items").lastError()).isNull();
      assertThat(p.query("SELECT 'public.items'::regclass::oid::text").get(0))
          .as("the table was rebuilt and swapped")
          .isNotEqualTo(tableBefore);
    }
  }
}
