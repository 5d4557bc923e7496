package io.tidemark.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.app.Daemon;
import io.tidemark.core.config.StreamScope;
import io.tidemark.core.pipeline.CollectionState;
import io.tidemark.core.pipeline.CollectionStatus;
import io.tidemark.harness.standin.StandInMongo;
import io.tidemark.it.support.TestPipeline;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code source.streamScope} measured on the stand-in: the same writes spread over 1, 20 (and, with
 * {@code -Dstreamscope.collections=1,20,200}, 200) collections, read with one change stream per
 * collection and with one per database. Asserts what the scope promises (server cursors: one per
 * collection or one in all; oplog entries read: once per collection or once in all; every event
 * applied) and writes the figures (events/s, heap) to {@code target/stream-scope.md}. Stand-in
 * figures: the server is Java in the same JVM, so they compare the scopes, not MongoDB's speed.
 */
class StreamScopeIT {
  private static final Logger LOG = LoggerFactory.getLogger(StreamScopeIT.class);
  private static final int EVENTS = 20_000;
  private static final List<String> ROWS = new ArrayList<>();

  @Test
  void oneStreamPerDatabaseReadsTheOplogOnceWithOneCursorWhateverTheCollections() throws Exception {
    TestPipeline probe = TestPipeline.create("scope");
    Assumptions.assumeTrue(
        probe.mongo().standIn().isPresent(),
        "needs the stand-in's counters of cursors and oplog entries read");
    int[] counts =
        Arrays.stream(System.getProperty("streamscope.collections", "1,20").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    for (int collections : counts) {
      Figures perCollection = measure(StreamScope.COLLECTION, collections);
      Figures perDatabase = measure(StreamScope.DATABASE, collections);
      assertThat(perCollection.cursors()).as("one cursor per collection").isEqualTo(collections);
      assertThat(perDatabase.cursors()).as("one cursor in all").isEqualTo(1);
      assertThat(perDatabase.examined())
          .as("the database stream reads each entry about once")
          .isLessThan(2L * EVENTS);
      assertThat(perCollection.examined())
          .as("each collection's stream reads every entry")
          .isGreaterThanOrEqualTo((long) collections * EVENTS * 9 / 10);
    }
  }

  record Figures(long cursors, long examined, double eventsPerSecond, long heapMb) {}

  private static Figures measure(StreamScope scope, int collections) throws Exception {
    TestPipeline p = TestPipeline.create("scope");
    StandInMongo server = p.mongo().standIn().orElseThrow();
    List<String> names = IntStream.range(0, collections).mapToObj(i -> "c" + i).toList();
    for (String name : names) {
      p.collection(name).insertOne(new Document("_id", -1).append("seed", true));
    }
    StringBuilder yaml = new StringBuilder("collections:\n");
    names.forEach(n -> yaml.append("  - name: ").append(n).append('\n'));
    long heapBefore = heapAfterGc();
    long cursorsBefore = server.openChangeStreams();
    try (Daemon daemon = p.startDaemon(p.yaml(yaml.toString(), scope))) {
      TestPipeline.awaitState(daemon, CollectionState.STREAMING, Duration.ofMinutes(3));
      Thread.sleep(1000); // let the database stream gather and the copies' probes close
      long examinedBefore = server.changeStreamEntriesExamined();
      long start = System.nanoTime();
      int perCall = 100;
      for (int written = 0, round = 0; written < EVENTS; round++) {
        for (String name : names) {
          int from = written;
          List<Document> batch =
              IntStream.range(0, Math.min(perCall, EVENTS - written))
                  .mapToObj(i -> new Document("_id", from + i).append("pad", "x".repeat(200)))
                  .toList();
          if (batch.isEmpty()) {
            break;
          }
          p.collection(name).insertMany(batch);
          written += batch.size();
        }
      }
      TestPipeline.await(
          () -> applied(daemon) >= EVENTS,
          Duration.ofMinutes(3),
          () -> scope + " x " + collections + ": applied " + applied(daemon) + " of " + EVENTS);
      double seconds = (System.nanoTime() - start) / 1e9;
      long cursors = server.openChangeStreams() - cursorsBefore;
      long examined = server.changeStreamEntriesExamined() - examinedBefore;
      long heapMb = (heapAfterGc() - heapBefore) >> 20;
      Figures f = new Figures(cursors, examined, EVENTS / seconds, heapMb);
      String row =
          String.format(
              Locale.ROOT,
              "| %d | %s | %d | %,d | %,.0f | %d |",
              collections,
              scope.name().toLowerCase(Locale.ROOT),
              f.cursors(),
              f.examined(),
              f.eventsPerSecond(),
              f.heapMb());
      LOG.info("stream scope: {}", row);
      ROWS.add(row);
      return f;
    }
  }

  private static long applied(Daemon daemon) {
    return daemon.status().stream().mapToLong(CollectionStatus::eventsApplied).sum();
  }

  private static long heapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  @AfterAll
  static void writeFigures() throws Exception {
    if (ROWS.isEmpty()) {
      return;
    }
    String table =
        "| collections | streamScope | server cursors | oplog entries read | events/s | daemon heap"
            + " MB (after GC) |\n|---|---|---|---|---|---|\n"
            + String.join("\n", ROWS)
            + "\n";
    Files.writeString(Path.of("target", "stream-scope.md"), table);
    LOG.info("stream scope figures:\n{}", table);
  }
}
