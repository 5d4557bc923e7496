package io.tidemark.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tidemark.core.config.TidemarkConfig;
import io.tidemark.core.event.ChangeEvent;
import io.tidemark.core.event.DocumentKey;
import io.tidemark.core.event.Operation;
import io.tidemark.core.event.TransactionId;
import io.tidemark.core.mapping.MappedRow;
import io.tidemark.core.mapping.OnError;
import io.tidemark.core.mapping.RowMapper;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.Position;
import io.tidemark.core.spi.ChangeSink;
import io.tidemark.core.spi.ChangeSink.CollectionProgress;
import io.tidemark.core.spi.RowChange;
import io.tidemark.core.testing.FakeDocument;
import io.tidemark.core.testing.TaggedValueEncoding;
import io.tidemark.core.value.Value;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class CollectionPipelineTest {
  private static final String COLLECTION = PipelineFixtures.COLLECTION;
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final TableMapping WITH_V = PipelineFixtures.WITH_V;

  private static final Position START = new Position("start", new ClusterTime(50, 0));

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final PipelineRunner runner = new PipelineRunner();
  private int sequence;

  @AfterEach
  void stopPipelines() {
    runner.close();
  }

  // ---- helpers ----

  /** A failed collection keeps its thread (a rebuild can revive it): wait for the state instead. */
  private static void awaitState(
      CollectionPipeline pipeline, CollectionState state, Duration timeout)
      throws InterruptedException {
    PipelineRunner.awaitState(pipeline, state, timeout);
  }

  private static TidemarkConfig config(
      TableMapping mapping, int chunkSize, int batchSize, Duration idleCheckpoint) {
    return config(mapping, chunkSize, batchSize, idleCheckpoint, 2);
  }

  private static TidemarkConfig config(
      TableMapping mapping,
      int chunkSize,
      int batchSize,
      Duration idleCheckpoint,
      int parallelism) {
    return PipelineFixtures.config(mapping, chunkSize, batchSize, idleCheckpoint, parallelism);
  }

  private static TidemarkConfig config(TableMapping mapping) {
    return config(mapping, 2, 1000, Duration.ofSeconds(10));
  }

  private Position position(long seconds, long increment) {
    return new Position(
        "ev" + (sequence++) + "@" + seconds + "." + increment, new ClusterTime(seconds, increment));
  }

  private ChangeEvent change(
      Operation op, String key, long seconds, long increment, TransactionId txn, Object... fields) {
    return new ChangeEvent(
        op,
        new DocumentKey(key),
        op.carriesDocument() ? FakeDocument.of(key, fields) : null,
        position(seconds, increment),
        txn,
        null);
  }

  private ChangeEvent upsert(Operation op, String key, long seconds, long increment, int v) {
    return change(op, key, seconds, increment, null, "v", new Value.Int32(v));
  }

  private ChangeEvent delete(String key, long seconds, long increment) {
    return change(Operation.DELETE, key, seconds, increment, null);
  }

  private CollectionPipeline pipeline(
      TableMapping mapping, FakeSource source, FakeSink sink, TidemarkConfig config) {
    return new CollectionPipeline(mapping, source, sink, config, registry);
  }

  /** Runs the pipeline on its own thread; the test's cleanup stops it and checks that it ended. */
  private Thread start(CollectionPipeline pipeline) {
    return runner.start(pipeline);
  }

  private static void awaitState(CollectionPipeline pipeline, CollectionState state)
      throws InterruptedException {
    PipelineRunner.awaitState(pipeline, state);
  }

  /**
   * Waits until the batch that reaches {@code position} is committed and counted: the sink stores
   * the position before the committer thread updates the status and the metrics.
   */
  private static void awaitCommitted(CollectionPipeline pipeline, FakeSink sink, Position position)
      throws InterruptedException {
    sink.awaitPosition(position);
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!position.equals(pipeline.status().position())) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("status never reached " + position + ": " + pipeline.status());
      }
      Thread.sleep(5);
    }
  }

  private static List<String> row(String key, Integer v) {
    return Arrays.asList(key, v == null ? null : v.toString());
  }

  private double counter(String name, String... tags) {
    var counter = registry.find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  // ---- copy and hand-off ----

  @Test
  void copiesInChunksThenStreamsFromTheCapturedTime() throws Exception {
    ClusterTime t0 = new ClusterTime(100, 1);
    ClusterTime copyEnd = new ClusterTime(100, 9);
    FakeSource source = new FakeSource(COLLECTION).operationTimes(t0, copyEnd);
    for (String key : List.of("a", "b", "c")) {
      source.add(FakeDocument.of(key, "v", new Value.Int32(1)));
    }
    ChangeEvent duringCopy = upsert(Operation.UPDATE, "b", 100, 5, 2);
    source.events.add(duringCopy);
    FakeSink sink = new FakeSink();
    CollectionPipeline pipeline = pipeline(WITH_V, source, sink, config(WITH_V));
    start(pipeline);

    sink.awaitPosition(duringCopy.position());
    assertThat(sink.log())
        .containsExactly(
            "open orders_table",
            "beginSnapshot orders at 100.1 estimated 3",
            "chunk [a, b] mark b total 2",
            "chunk [c] mark c total 3 done",
            "finishSnapshot from at:100.1 consistent after 100.9");
    assertThat(source.snapshotOpens).containsExactly((String) null);
    assertThat(source.streamOpens).containsExactly(source.positionAt(t0));
    awaitState(pipeline, CollectionState.CATCHING_UP); // not yet past the copy's end
    assertThat(pipeline.status().rowsCopied()).isEqualTo(3);

    ChangeEvent afterCopy = upsert(Operation.INSERT, "d", 101, 1, 4);
    source.events.add(afterCopy);
    sink.awaitPosition(afterCopy.position());
    awaitState(pipeline, CollectionState.STREAMING);
    assertThat(sink.table())
        .containsExactly(
            Map.entry("a", row("a", 1)),
            Map.entry("b", row("b", 2)),
            Map.entry("c", row("c", 1)),
            Map.entry("d", row("d", 4)));
    assertThat(pipeline.status().position()).isEqualTo(afterCopy.position());
    assertThat(counter(PipelineMetrics.ROWS_COPIED, "collection", COLLECTION)).isEqualTo(3);
  }

  /** Twenty documents k00..k19, split into four ranges of five. */
  private static FakeSource twentyDocumentsInFourRanges(ClusterTime t0) {
    FakeSource source = new FakeSource(COLLECTION).operationTimes(t0, new ClusterTime(300, 9));
    for (int i = 0; i < 20; i++) {
      String key = String.format("k%02d", i);
      source.add(FakeDocument.of(key, "v", new Value.Int32(i)));
    }
    source.splitKeys = List.of("k04", "k09", "k14");
    return source;
  }

  @Test
  void parallelCopyCopiesEveryRangeInKeyOrderAndHandsOffOnce() throws Exception {
    ClusterTime t0 = new ClusterTime(300, 1);
    FakeSource source = twentyDocumentsInFourRanges(t0);
    FakeSink sink = new FakeSink();
    CollectionPipeline pipeline =
        pipeline(
            WITH_V, source, sink, config(WITH_V, 2, 1000, Duration.ofSeconds(10), /* par */ 3));
    start(pipeline);

    sink.await(
        "copy finished", s -> s.log().stream().anyMatch(l -> l.startsWith("finishSnapshot")), WAIT);
    assertThat(sink.log())
        .contains("beginSnapshot orders at 300.1 estimated 20 split at [k04, k09, k14]")
        .filteredOn(l -> l.startsWith("finishSnapshot"))
        .containsExactly("finishSnapshot from at:300.1 consistent after 300.9");
    assertThat(source.snapshotOpens).containsExactlyInAnyOrder(null, "k04", "k09", "k14");
    // Every range reads data that includes the writes up to the copy's start time.
    assertThat(source.snapshotReadTimes).hasSize(4).containsOnly(t0);
    // Each range was read by one cursor, in key order, and only its own keys.
    assertThat(source.snapshotReads)
        .containsExactlyInAnyOrder(
            List.of("k00", "k01", "k02", "k03", "k04"),
            List.of("k05", "k06", "k07", "k08", "k09"),
            List.of("k10", "k11", "k12", "k13", "k14"),
            List.of("k15", "k16", "k17", "k18", "k19"));
    assertThat(sink.log()).filteredOn(l -> l.endsWith(" done")).hasSize(4);
    assertThat(sink.table()).hasSize(20);
    CollectionProgress progress = sink.loadProgress(COLLECTION, ChangeSink.Target.LIVE);
    assertThat(progress.snapshotRowsCopied()).isEqualTo(20);
    assertThat(progress.ranges()).allMatch(ChangeSink.RangeProgress::done);
    assertThat(pipeline.status().rowsCopied()).isEqualTo(20);
  }

  @Test
  void parallelCopyResumesTheFailedRangeFromItsOwnMarkAndCopiesNoRowTwice() throws Exception {
    ClusterTime t0 = new ClusterTime(300, 1);
    FakeSource source = twentyDocumentsInFourRanges(t0);
    // Range 2 (k10..k14) commits [k10, k11], then its cursor fails on k12.
    source.failCopyAtKey = "k12";
    FakeSink sink = new FakeSink();
    CollectionPipeline pipeline =
        pipeline(
            WITH_V, source, sink, config(WITH_V, 2, 1000, Duration.ofSeconds(10), /* par */ 2));
    start(pipeline);

    sink.await(
        "copy finished", s -> s.log().stream().anyMatch(l -> l.startsWith("finishSnapshot")), WAIT);
    assertThat(source.snapshotOpens).contains("k11"); // range 2 resumed after its committed mark
    // The resumed range reads at the copy's stored start time, not at a new one.
    assertThat(source.snapshotReadTimes).containsOnly(t0);
    assertThat(sink.log()).filteredOn(l -> l.startsWith("beginSnapshot")).hasSize(1);
    assertThat(sink.table()).hasSize(20);
    // Every row was committed exactly once across both attempts: the ranges' counts add up to 20.
    CollectionProgress progress = sink.loadProgress(COLLECTION, ChangeSink.Target.LIVE);
    assertThat(progress.snapshotRowsCopied()).isEqualTo(20);
    assertThat(progress.ranges())
        .extracting(ChangeSink.RangeProgress::rowsCopied)
        .containsExactly(5L, 5L, 5L, 5L);
    assertThat(counter(PipelineMetrics.RECONNECTS, "collection", COLLECTION)).isEqualTo(1);
    assertThat(pipeline.status().rowsCopied()).isEqualTo(20);
  }

  @Test
  void anErrorInTheCopysReaderFailsTheCollectionInsteadOfHangingIt() throws Exception {
    FakeSource source = new FakeSource(COLLECTION).operationTimes(new ClusterTime(400, 1));
    source.add(FakeDocument.of("a", "v", new Value.Int32(1)));
    source.copyError = new StackOverflowError("a document nested too deep (test)");
    FakeSink sink = new FakeSink();
    CollectionPipeline pipeline = pipeline(WITH_V, source, sink, config(WITH_V));
    start(pipeline);

    awaitState(pipeline, CollectionState.FAILED, WAIT);
    assertThat(pipeline.status().lastError())
        .contains("reader thread failed unexpectedly")
        .contains("a document nested too deep (test)");
    assertThat(sink.table()).isEmpty();
  }

  @Test
  void copyResumesFromTheCommittedMarkAfterARetriableFailure() throws Exception {
    ClusterTime t0 = new ClusterTime(200, 1);
    FakeSource source = new FakeSource(COLLECTION).operationTimes(t0, new ClusterTime(200, 7));
    for (String key : List.of("a", "b", "c", "d", "e")) {
      source.add(FakeDocument.of(key, "v", new Value.Int32(key.charAt(0))));
    }
    source.failCopyAfter = 3; // a, b are a committed chunk; c is read, then the connection drops
    FakeSink sink = new FakeSink();
    CollectionPipeline pipeline = pipeline(WITH_V, source, sink, config(WITH_V));
    start(pipeline);

    sink.await(
        "copy finished", s -> s.log().stream().anyMatch(l -> l.startsWith("finishSnapshot")), WAIT);
    assertThat(source.snapshotOpens).containsExactly(null, "b");
    assertThat(sink.log())
        .containsExactly(
            "open orders_table",
            "beginSnapshot orders at 200.1 estimated 5",
            "chunk [a, b] mark b total 2",
            "open orders_table",
            "chunk [c, d] mark d total 4",
            "chunk [e] mark e total 5 done",
            // the stream starts at the time captured before the first attempt, not a new one
            "finishSnapshot from at:200.1 consistent after 200.7");
    assertThat(sink.table()).containsOnlyKeys("a", "b", "c", "d", "e");
    assertThat(counter(PipelineMetrics.RECONNECTS, "collection", COLLECTION)).isEqualTo(1);
    assertThat(
            counter(PipelineMetrics.ERRORS, "collection", COLLECTION, "code", "SOURCE_UNAVAILABLE"))
        .isEqualTo(1);
    awaitState(pipeline, CollectionState.CATCHING_UP);
    assertThat(pipeline.status().rowsCopied()).isEqualTo(5);
    assertThat(pipeline.status().lastError()).contains("orders: connection reset (test)");
  }

  @Test
  void copyDeadLettersDocumentsThatDoNotFit() throws Exception {
    TableMapping mapping = withOnError(OnError.DEADLETTER);
    FakeSource source = new FakeSource(COLLECTION).operationTimes(new ClusterTime(300, 0));
    source.add(FakeDocument.of("a", "v", new Value.Int32(1)));
    source.add(FakeDocument.of("b", "v", new Value.Text("many")));
    source.add(FakeDocument.of("c", "v", new Value.Int32(3)));
    FakeSink sink = new FakeSink();
    CollectionPipeline pipeline =
        pipeline(mapping, source, sink, config(mapping, 10, 100, Duration.ofSeconds(10)));
    start(pipeline);

    sink.await(
        "copy finished", s -> s.log().stream().anyMatch(l -> l.startsWith("finishSnapshot")), WAIT);
    assertThat(sink.table()).containsOnlyKeys("a", "c");
    assertThat(sink.deadLetters())
        .singleElement()
        .satisfies(
            dl -> {
              assertThat(dl.key().text()).isEqualTo("b");
              assertThat(dl.reason())
                  .startsWith(
                      "orders.v (document _id b): String '\"many\"' cannot be stored in column v integer");
              assertThat(dl.documentJson()).isEqualTo("{\"_id\":\"b\",\"v\":\"many\"}");
            });
    assertThat(counter(PipelineMetrics.DEAD_LETTERS, "collection", COLLECTION)).isEqualTo(1);
    assertThat(pipeline.status().deadLetters()).isEqualTo(1);
  }

  @Test
  void copyStopsOnAValueThatDoesNotFitWhenOnErrorIsFail() throws Exception {
    FakeSource source = new FakeSource(COLLECTION).operationTimes(new ClusterTime(300, 0));
    source.add(FakeDocument.of("a", "v", new Value.Int32(1)));
    source.add(FakeDocument.of("b", "v", new Value.Int64(1L << 40)));
    FakeSink sink = new FakeSink();
    CollectionPipeline pipeline =
        pipeline(WITH_V, source, sink, config(WITH_V, 10, 100, Duration.ofSeconds(10)));
    Thread thread = start(pipeline);

    awaitState(pipeline, CollectionState.FAILED, WAIT);
    assertThat(pipeline.status().state()).isEqualTo(CollectionState.FAILED);
    assertThat(pipeline.status().lastError())
        .isEqualTo(
            "orders.v (document _id b): Int64 '1099511627776' cannot be stored in column v"
                + " integer: out of range; use bigint or numeric. To keep going and park such documents"
                + " in the dead-letter table, set onError: deadletter for collection orders.");
    assertThat(sink.log()).noneMatch(l -> l.startsWith("chunk") || l.startsWith("finish"));
    assertThat(counter(PipelineMetrics.ERRORS, "collection", COLLECTION, "code", "MAPPING_FAILED"))
        .isEqualTo(1);
  }

  // ---- streaming ----

  @Test
  void coalescesSeveralEventsOnOneKeyIntoTheLastState() throws Exception {
    FakeSource source = new FakeSource(COLLECTION);
    ChangeEvent last = upsert(Operation.INSERT, "k3", 60, 8, 31);
    source.events.addAll(
        List.of(
            upsert(Operation.INSERT, "k1", 60, 1, 1),
            upsert(Operation.UPDATE, "k1", 60, 2, 2),
            upsert(Operation.INSERT, "k2", 60, 3, 20),
            upsert(Operation.REPLACE, "k1", 60, 4, 3),
            delete("k2", 60, 5),
            upsert(Operation.INSERT, "k3", 60, 6, 30),
            delete("k3", 60, 7),
            last));
    FakeSink sink = new FakeSink().streamingFrom(START);
    CollectionPipeline pipeline = pipeline(WITH_V, source, sink, config(WITH_V));
    start(pipeline);

    awaitCommitted(pipeline, sink, last.position());
    assertThat(sink.batches())
        .singleElement()
        .satisfies(
            batch -> {
              assertThat(batch.position()).isEqualTo(last.position());
              assertThat(batch.changes()).hasSize(3);
              assertThat(batch.changes().get(0))
                  .isInstanceOfSatisfying(
                      RowChange.Upsert.class,
                      u -> assertThat(u.row().values()).containsExactly("k1", "3"));
              assertThat(batch.changes().get(1))
                  .isEqualTo(new RowChange.Delete(new DocumentKey("k2")));
              assertThat(batch.changes().get(2))
                  .isInstanceOfSatisfying(
                      RowChange.Upsert.class,
                      u -> assertThat(u.row().values()).containsExactly("k3", "31"));
            });
    assertThat(sink.table()).containsOnlyKeys("k1", "k3");
    assertThat(pipeline.status().eventsApplied()).isEqualTo(8);
    assertThat(
            counter(
                PipelineMetrics.EVENTS_APPLIED, "collection", COLLECTION, "operation", "insert"))
        .isEqualTo(4);
    assertThat(
            counter(
                PipelineMetrics.EVENTS_APPLIED, "collection", COLLECTION, "operation", "delete"))
        .isEqualTo(2);
  }

  @Test
  void checkpointIsThePositionOfTheLastCommittedEvent() throws Exception {
    FakeSource source = new FakeSource(COLLECTION);
    ChangeEvent first = upsert(Operation.INSERT, "a", 60, 1, 1);
    ChangeEvent second = upsert(Operation.INSERT, "b", 61, 1, 2);
    source.events.addAll(List.of(first, second));
    FakeSink sink = new FakeSink().streamingFrom(START);
    CollectionPipeline pipeline =
        pipeline(WITH_V, source, sink, config(WITH_V, 2, 1, Duration.ofSeconds(10)));
    start(pipeline);

    sink.awaitPosition(second.position());
    // batchSize 1: one transaction per event, each with that event's own position
    assertThat(sink.batches())
        .extracting(FakeSink.Batch::position)
        .containsExactly(first.position(), second.position());
    assertThat(source.streamOpens).containsExactly(START);
    assertThat(pipeline.status().state()).isEqualTo(CollectionState.STREAMING);
  }

  /**
   * A steady trickle (an event every 5 ms) is committed as it comes, not held for {@code
   * maxBatchDelay} (10 s here): before the writer called the source quiet only after 100 ms without
   * an event, which a trickle never gives, so nothing was committed until the trickle stopped.
   */
  @Test
  void aSteadyTrickleIsCommittedAsItComesNotHeldForTheBatchDelay() throws Exception {
    FakeSource source = new FakeSource(COLLECTION);
    FakeSink sink = new FakeSink().streamingFrom(START);
    CollectionPipeline pipeline = pipeline(WITH_V, source, sink, config(WITH_V));
    start(pipeline);
    awaitState(pipeline, CollectionState.STREAMING, Duration.ofSeconds(10));
    int committedDuringTrickle = 0;
    for (int i = 0; i < 100; i++) {
      source.events.add(upsert(Operation.INSERT, "k" + i, 60 + i, 1, i));
      Thread.sleep(5);
      committedDuringTrickle = sink.batches().size();
    }
    ChangeEvent last = source.events.get(source.events.size() - 1);
    sink.awaitPosition(last.position());
    assertThat(committedDuringTrickle)
        .as("batches committed while the trickle ran (0.5 s, events 5 ms apart)")
        .isGreaterThanOrEqualTo(5);
    assertThat(sink.table()).hasSize(100);
  }

  @Test
  void quietCollectionSavesTheStreamsPositionWithAnEmptyBatch() throws Exception {
    FakeSource source = new FakeSource(COLLECTION);
    ChangeEvent event = upsert(Operation.INSERT, "a", 60, 1, 1);
    source.events.add(event);
    FakeSink sink = new FakeSink().streamingFrom(START);
    CollectionPipeline pipeline =
        pipeline(WITH_V, source, sink, config(WITH_V, 2, 100, Duration.ofMillis(20)));
    start(pipeline);
    sink.awaitPosition(event.position());

    Position scanned = new Position("pbrt", new ClusterTime(70, 0));
    source.idlePosition = scanned;
    sink.awaitPosition(scanned);
    assertThat(sink.batches()).hasSize(2).last().satisfies(b -> assertThat(b.changes()).isEmpty());
    assertThat(sink.table()).containsOnlyKeys("a");
  }

  @Test
  void streamReconnectsFromTheCommittedPositionAfterARetriableFailure() throws Exception {
    FakeSource source = new FakeSource(COLLECTION);
    ChangeEvent e1 = upsert(Operation.INSERT, "a", 60, 1, 1);
    ChangeEvent e2 = upsert(Operation.INSERT, "b", 60, 2, 2);
    ChangeEvent e3 = upsert(Operation.UPDATE, "a", 61, 1, 3);
    source.events.addAll(List.of(e1, e2, e3));
    FakeSink sink = new FakeSink().streamingFrom(START);
    source.failStreamAt = 2; // after e1 and e2 are committed, the first cursor fails
    source.failStreamWhen = () -> e2.position().equals(sink.position());
    CollectionPipeline pipeline = pipeline(WITH_V, source, sink, config(WITH_V));
    start(pipeline);

    sink.awaitPosition(e3.position());
    assertThat(source.streamOpens).containsExactly(START, e2.position());
    assertThat(sink.table())
        .containsExactly(Map.entry("a", row("a", 3)), Map.entry("b", row("b", 2)));
    assertThat(sink.batches())
        .extracting(FakeSink.Batch::position)
        .containsExactly(e2.position(), e3.position());
    assertThat(counter(PipelineMetrics.RECONNECTS, "collection", COLLECTION)).isEqualTo(1);
    awaitState(pipeline, CollectionState.STREAMING);
  }

  @Test
  void dropStopsTheCollectionAsFailedNamingIt() throws Exception {
    FakeSource source = new FakeSource(COLLECTION);
    ChangeEvent insert = upsert(Operation.INSERT, "a", 60, 1, 1);
    ChangeEvent drop = new ChangeEvent(Operation.DROP, null, null, position(61, 0), null, null);
    ChangeEvent never = upsert(Operation.INSERT, "z", 62, 0, 9);
    source.events.addAll(List.of(insert, drop, never));
    FakeSink sink = new FakeSink().streamingFrom(START);
    CollectionPipeline pipeline = pipeline(WITH_V, source, sink, config(WITH_V));
    Thread thread = start(pipeline);

    awaitState(pipeline, CollectionState.FAILED, WAIT);
    CollectionStatus status = pipeline.status();
    assertThat(status.state()).isEqualTo(CollectionState.FAILED);
    assertThat(status.lastError())
        .startsWith("orders: the source reported 'drop' at 61.0")
        .contains("Table orders_table keeps its last state")
        .contains("'tidemark resnapshot orders'");
    assertThat(sink.table()).containsOnlyKeys("a");
    assertThat(
            counter(
                PipelineMetrics.ERRORS, "collection", COLLECTION, "code", "COLLECTION_INVALIDATED"))
        .isEqualTo(1);
    assertThat(counter(PipelineMetrics.RECONNECTS, "collection", COLLECTION)).isZero();
  }

  @Test
  void valueThatDoesNotFitStopsTheCollectionWhenOnErrorIsFail() throws Exception {
    FakeSource source = new FakeSource(COLLECTION);
    source.events.addAll(
        List.of(
            upsert(Operation.INSERT, "a", 60, 1, 1),
            change(Operation.INSERT, "b", 60, 2, null, "v", new Value.Double(2.5)),
            upsert(Operation.INSERT, "c", 60, 3, 3)));
    // a busy cluster: the reader keeps handing over heartbeats, so it notices the closed queue
    source.tickingIdle = true;
    FakeSink sink = new FakeSink().streamingFrom(START);
    CollectionPipeline pipeline =
        pipeline(WITH_V, source, sink, config(WITH_V, 2, 3, Duration.ofSeconds(10)));
    Thread thread = start(pipeline);

    awaitState(pipeline, CollectionState.FAILED, WAIT);
    assertThat(pipeline.status().lastError())
        .startsWith(
            "orders.v (document _id b): Double '2.5' cannot be stored in column v integer: it has a"
                + " fractional part that would be lost")
        .endsWith("set onError: deadletter for collection orders.");
    // nothing of the failing batch was committed, and the checkpoint did not move
    assertThat(sink.batches()).isEmpty();
    assertThat(sink.position()).isEqualTo(START);
  }

  /**
   * The writer fails (here: a value that does not fit) while the reader's cursor is idle. The
   * reader only learns that the queue was closed from its next {@code put}, so on a quiet stream
   * {@code StreamApplier.stream} waits the full 10 s in {@code reader.join} before the failure
   * surfaces, and the reader thread then keeps polling its open cursor until someone calls stop().
   */
  @Test
  void writerFailureEndsTheStreamPromptlyWhileTheCursorIsIdle() throws Exception {
    FakeSource source = new FakeSource(COLLECTION);
    source.events.add(change(Operation.INSERT, "b", 60, 2, null, "v", new Value.Double(2.5)));
    FakeSink sink = new FakeSink().streamingFrom(START);
    CollectionPipeline pipeline = pipeline(WITH_V, source, sink, config(WITH_V));
    Thread thread = new Thread(pipeline, "test-pipeline");
    thread.setDaemon(true);
    thread.start();
    try {
      awaitState(pipeline, CollectionState.FAILED, Duration.ofSeconds(2));
      assertThat(pipeline.status().state()).isEqualTo(CollectionState.FAILED);
      Thread.sleep(100);
      assertThat(Thread.getAllStackTraces().keySet())
          .noneMatch(t -> t.getName().equals("tidemark-stream-orders") && t.isAlive());
    } finally {
      pipeline.stop();
      thread.join(WAIT.toMillis() * 3);
    }
  }

  @Test
  void valueThatDoesNotFitIsDeadLetteredWithTheRestOfTheBatch() throws Exception {
    TableMapping mapping = withOnError(OnError.DEADLETTER);
    FakeSource source = new FakeSource(COLLECTION);
    ChangeEvent last = upsert(Operation.INSERT, "c", 60, 3, 3);
    source.events.addAll(
        List.of(
            upsert(Operation.INSERT, "a", 60, 1, 1),
            change(Operation.INSERT, "b", 60, 2, null, "v", new Value.Double(2.5)),
            last));
    FakeSink sink = new FakeSink().streamingFrom(START);
    CollectionPipeline pipeline = pipeline(mapping, source, sink, config(mapping));
    start(pipeline);

    awaitCommitted(pipeline, sink, last.position());
    // However the events were grouped into batches (a quiet source commits what it has).
    List<RowChange> changes =
        sink.batches().stream().flatMap(batch -> batch.changes().stream()).toList();
    assertThat(changes)
        .extracting(c -> c.getClass().getSimpleName() + " " + c.key())
        .containsExactly("Upsert a", "DeadLetter b", "Upsert c");
    RowChange.DeadLetter dl = (RowChange.DeadLetter) changes.get(1);
    assertThat(dl.reason())
        .startsWith("orders.v (document _id b): Double '2.5' cannot be stored in column v integer");
    assertThat(sink.table()).containsOnlyKeys("a", "c");
    assertThat(pipeline.status().deadLetters()).isEqualTo(1);
    assertThat(pipeline.status().state()).isEqualTo(CollectionState.STREAMING);
    assertThat(counter(PipelineMetrics.DEAD_LETTERS, "collection", COLLECTION)).isEqualTo(1);
  }

  @Test
  void stopCommitsWhatIsCompleteAndLeavesAnOpenTransactionForNextTime() throws Exception {
    FakeSource source = new FakeSource(COLLECTION);
    TransactionId txn = new TransactionId("lsid-1", 4);
    ChangeEvent plain = upsert(Operation.INSERT, "a", 60, 1, 1);
    source.events.addAll(
        List.of(
            plain,
            change(Operation.INSERT, "x", 61, 0, txn, "v", new Value.Int32(5)),
            change(Operation.INSERT, "y", 61, 0, txn, "v", new Value.Int32(6))));
    FakeSink sink = new FakeSink().streamingFrom(START);
    CollectionPipeline pipeline = pipeline(WITH_V, source, sink, config(WITH_V));
    Thread thread = start(pipeline);

    sink.awaitPosition(plain.position());
    Thread.sleep(250); // several idle polls: the open transaction must still not be committed
    pipeline.stop();
    thread.join(WAIT.toMillis());
    assertThat(thread.isAlive()).isFalse();
    assertThat(pipeline.status().state()).isEqualTo(CollectionState.STOPPED);
    assertThat(sink.table()).containsOnlyKeys("a");
    assertThat(sink.position()).isEqualTo(plain.position());
  }

  @Test
  void transactionIsCommittedWholeOnceTheStreamHasReadPastIt() throws Exception {
    FakeSource source = new FakeSource(COLLECTION);
    TransactionId txn = new TransactionId("lsid-1", 4);
    ChangeEvent x = change(Operation.INSERT, "x", 61, 0, txn, "v", new Value.Int32(5));
    ChangeEvent y = change(Operation.INSERT, "y", 61, 0, txn, "v", new Value.Int32(6));
    source.events.addAll(List.of(x, y));
    FakeSink sink = new FakeSink().streamingFrom(START);
    // batchSize 1 must not split the transaction either
    CollectionPipeline pipeline =
        pipeline(WITH_V, source, sink, config(WITH_V, 2, 1, Duration.ofSeconds(10)));
    start(pipeline);

    Thread.sleep(250);
    assertThat(sink.batches()).isEmpty();
    Position pastIt = new Position("pbrt", new ClusterTime(61, 1));
    source.idlePosition = pastIt;
    sink.awaitPosition(pastIt);
    assertThat(sink.batches())
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.changes()).extracting(c -> c.key().text()).containsExactly("x", "y");
              assertThat(b.position()).isEqualTo(pastIt);
            });
  }

  /**
   * Random sequences of inserts, updates, replaces and deletes on a few keys, with transactions:
   * the table the pipeline builds with coalesced batches of random sizes equals the table built by
   * applying every event one by one, and no committed position lies inside a transaction.
   */
  @Test
  void coalescedBatchesGiveTheSameTableAsApplyingOneByOne() throws Exception {
    Operation[] ops = {Operation.INSERT, Operation.UPDATE, Operation.REPLACE, Operation.DELETE};
    RowMapper mapper = new RowMapper(WITH_V, TaggedValueEncoding.INSTANCE);
    for (long seed = 1; seed <= 6; seed++) {
      Random random = new Random(seed);
      FakeSource source = new FakeSource(COLLECTION);
      Map<String, List<String>> expected = new TreeMap<>();
      Map<Position, Boolean> insideTransaction = new HashMap<>();
      long seconds = 60;
      int txnNumber = 0;
      List<ChangeEvent> events = new ArrayList<>();
      while (events.size() < 60) {
        seconds++;
        TransactionId txn = random.nextInt(3) == 0 ? new TransactionId("s", txnNumber++) : null;
        int n = txn == null ? 1 : 1 + random.nextInt(4);
        for (int k = 0; k < n; k++) {
          Operation op = ops[random.nextInt(ops.length)];
          String key = "k" + random.nextInt(4);
          ChangeEvent e =
              op == Operation.DELETE
                  ? change(op, key, seconds, 0, txn)
                  : change(op, key, seconds, 0, txn, "v", new Value.Int32(random.nextInt(1000)));
          events.add(e);
          insideTransaction.put(e.position(), txn != null && k < n - 1);
          if (e.document() != null) {
            MappedRow row = mapper.map(e.document());
            expected.put(key, FakeSink.stored(row.values()));
          } else {
            expected.remove(key);
          }
        }
      }
      source.events.addAll(events);
      Position end = new Position("pbrt-end", new ClusterTime(seconds + 1, 0));
      source.idlePosition = end;
      FakeSink sink = new FakeSink().streamingFrom(START);
      CollectionPipeline pipeline =
          pipeline(
              WITH_V,
              source,
              sink,
              config(WITH_V, 2, 1 + random.nextInt(8), Duration.ofSeconds(10)));
      Thread thread = start(pipeline);

      sink.awaitPosition(end);
      pipeline.stop();
      thread.join(WAIT.toMillis());
      assertThat(sink.table()).as("seed %d", seed).isEqualTo(expected);
      for (FakeSink.Batch batch : sink.batches()) {
        assertThat(insideTransaction.getOrDefault(batch.position(), false))
            .as("seed %d: batch committed at %s inside a transaction", seed, batch.position())
            .isFalse();
      }
    }
  }

  private static TableMapping withOnError(OnError onError) {
    return new TableMapping(
        WITH_V.collection(), WITH_V.table(), WITH_V.keyColumn(), WITH_V.columns(), null, onError);
  }
}
