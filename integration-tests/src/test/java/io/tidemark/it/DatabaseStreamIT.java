package io.tidemark.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.app.Daemon;
import io.tidemark.core.config.StreamScope;
import io.tidemark.core.pipeline.CollectionPipeline;
import io.tidemark.core.pipeline.CollectionState;
import io.tidemark.harness.standin.StandInMongo;
import io.tidemark.it.support.TestPipeline;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.bson.Document;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * One change stream per database, end to end: a collection that stops reading (paused: its reader
 * leaves the shared stream) while the stream carries many of its changes holds the other
 * collections back in nothing, and loses nothing once resumed (it subscribes behind the stream,
 * catches up on its own stream, closes it and reads the shared one again). A reader that stays
 * subscribed but stops reading is {@code DatabaseStreamTest}'s (its queue is dropped at its bound).
 */
class DatabaseStreamIT {

  @Test
  void aPausedCollectionHoldsTheOthersBackInNothingAndLosesNothing() throws Exception {
    TestPipeline p = TestPipeline.create("dbstream");
    for (String c : List.of("busy", "quiet", "paused")) {
      p.collection(c).insertOne(new Document("_id", -1));
    }
    String yaml = "collections:\n  - name: busy\n  - name: quiet\n  - name: paused";
    StandInMongo server = p.mongo().standIn().orElse(null);
    long cursorsBefore = server == null ? 0 : server.openChangeStreams();
    try (Daemon daemon = p.startDaemon(p.yaml(yaml, StreamScope.DATABASE))) {
      TestPipeline.awaitState(daemon, CollectionState.STREAMING, Duration.ofSeconds(60));
      CollectionPipeline paused = daemon.engine().pipeline("paused").orElseThrow();
      paused.pause();
      TestPipeline.await(
          () -> paused.status().state() == CollectionState.PAUSED,
          Duration.ofSeconds(30),
          () -> "never paused: " + paused.status());

      // More changes for the paused collection than a reader's queue holds (4,096).
      insert(p, "paused", 6_000);
      insert(p, "busy", 2_000);
      p.awaitMatch("busy", "busy", Duration.ofSeconds(60));
      p.awaitMatch("quiet", "quiet", Duration.ofSeconds(30));
      assertThat(p.count("paused")).as("nothing applied while paused").isEqualTo(1);

      paused.resume();
      insert(p, "busy", 500);
      p.awaitMatch("paused", "paused", Duration.ofSeconds(120));
      p.awaitMatch("busy", "busy", Duration.ofSeconds(60));
      Assumptions.assumeTrue(server != null, "counting server cursors needs the stand-in");
      // The resumed reader closes its own stream once that stream has read past the point where
      // its queue took over, strictly (changes at that very time may be missing from the queue).
      // Only a write after it subscribed moves the stream past that point: when the busy inserts
      // above were routed before it subscribed, nothing else would but the periodic no-op a
      // primary writes after periodicNoopIntervalSecs of quiet (src/mongo/db/repl/noop_writer.cpp),
      // which the stand-in writes too, after 10 s. The test writes instead of waiting for it.
      p.collection("quiet").insertOne(new Document("_id", "after-resume"));
      p.awaitMatch("quiet", "quiet", Duration.ofSeconds(30));
      TestPipeline.await(
          () -> server.openChangeStreams() - cursorsBefore == 1,
          Duration.ofSeconds(30),
          () ->
              "one stream again: the resumed reader's own stream is closed after catching up, but "
                  + (server.openChangeStreams() - cursorsBefore)
                  + " are open");
    }
  }

  private static void insert(TestPipeline p, String collection, int count) {
    int start = (int) p.collection(collection).countDocuments();
    for (int from = 0; from < count; from += 500) {
      int base = start + from;
      p.collection(collection)
          .insertMany(
              IntStream.range(0, Math.min(500, count - from))
                  .mapToObj(i -> new Document("_id", base + i).append("n", i))
                  .toList());
    }
  }
}
