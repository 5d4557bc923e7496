package io.tidemark.core.pipeline;

import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.Position;
import io.tidemark.core.spi.ChangeSink;
import io.tidemark.core.spi.RowChange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * An in-memory sink: a table (key → column values), the committed progress of one collection, and a
 * log of every call, so tests can check what was committed together with what.
 */
final class FakeSink implements ChangeSink {
  /** One committed stream batch. */
  record Batch(List<RowChange> changes, Position position) {}

  private final Map<String, List<String>> table = new TreeMap<>();
  private final List<RowChange.DeadLetter> deadLetters = new ArrayList<>();
  private final List<Batch> batches = new ArrayList<>();
  private final List<String> log = new ArrayList<>();

  private SnapshotState state = SnapshotState.NONE;
  private ClusterTime startTime;
  private String mark;
  private long rowsCopied;
  private long estimated;
  private ClusterTime consistentAfter;
  private Position position;

  /** Presets a finished copy, so the pipeline goes straight to streaming from {@code start}. */
  synchronized FakeSink streamingFrom(Position start) {
    state = SnapshotState.DONE;
    position = start;
    return this;
  }

  @Override
  public synchronized void prepareTable(TableMapping mapping) {
    log.add("prepareTable " + mapping.table());
  }

  @Override
  public synchronized CollectionProgress loadProgress(String collection) {
    return new CollectionProgress(
        state,
        startTime,
        mark,
        rowsCopied,
        estimated,
        consistentAfter,
        Optional.ofNullable(position));
  }

  @Override
  public synchronized void beginSnapshot(
      String collection, ClusterTime startTime, long estimatedRows) {
    log.add(
        "beginSnapshot "
            + collection
            + " at "
            + startTime.seconds()
            + "."
            + startTime.increment()
            + " estimated "
            + estimatedRows);
    this.state = SnapshotState.RUNNING;
    this.startTime = startTime;
    this.estimated = estimatedRows;
    this.mark = null;
    this.rowsCopied = 0;
    this.position = null;
  }

  @Override
  public synchronized void writeSnapshotChunk(
      String collection, List<RowChange> rows, String markAfterLast, long rowsCopiedTotal) {
    log.add("chunk " + keys(rows) + " mark " + markAfterLast + " total " + rowsCopiedTotal);
    rows.forEach(this::apply);
    this.mark = markAfterLast;
    this.rowsCopied = rowsCopiedTotal;
  }

  @Override
  public synchronized void finishSnapshot(
      String collection, Position streamStart, ClusterTime copyEndTime) {
    log.add(
        "finishSnapshot from "
            + streamStart.token()
            + " consistent after "
            + copyEndTime.seconds()
            + "."
            + copyEndTime.increment());
    this.state = SnapshotState.DONE;
    this.position = streamStart;
    this.consistentAfter = copyEndTime;
  }

  @Override
  public synchronized void applyBatch(
      String collection, List<RowChange> changes, Position newPosition) {
    java.util.Set<String> keys = new java.util.HashSet<>();
    for (RowChange c : changes) {
      if (!keys.add(c.key().text())) {
        throw new AssertionError("two changes for key " + c.key() + " in one batch: " + changes);
      }
    }
    changes.forEach(this::apply);
    batches.add(new Batch(List.copyOf(changes), newPosition));
    if (position == null || !position.isAfter(newPosition)) {
      position = newPosition;
    }
  }

  private void apply(RowChange change) {
    if (change instanceof RowChange.Upsert u) {
      table.put(u.key().text(), Arrays.asList(u.row().values()));
    } else if (change instanceof RowChange.Delete d) {
      table.remove(d.key().text());
    } else if (change instanceof RowChange.DeadLetter dl) {
      table.remove(dl.key().text());
      deadLetters.add(dl);
    }
  }

  private static List<String> keys(List<RowChange> rows) {
    return rows.stream().map(r -> r.key().text()).toList();
  }

  @Override
  public void close() {}

  synchronized Map<String, List<String>> table() {
    return new TreeMap<>(table);
  }

  synchronized List<RowChange.DeadLetter> deadLetters() {
    return List.copyOf(deadLetters);
  }

  synchronized List<Batch> batches() {
    return List.copyOf(batches);
  }

  synchronized List<String> log() {
    return List.copyOf(log);
  }

  synchronized Position position() {
    return position;
  }

  /** Polls until the condition holds; fails with the sink's state after the timeout. */
  void await(String what, Predicate<FakeSink> condition, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.test(this)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "timed out waiting for "
                + what
                + "; sink log "
                + log()
                + ", table "
                + table()
                + ", position "
                + position()
                + ", batches "
                + batches());
      }
      Thread.sleep(5);
    }
  }

  void awaitPosition(Position expected) throws InterruptedException {
    await("position " + expected, s -> expected.equals(s.position()), Duration.ofSeconds(5));
  }
}
