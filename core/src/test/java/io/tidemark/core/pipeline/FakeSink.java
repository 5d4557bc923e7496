package io.tidemark.core.pipeline;

import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.mapping.ValueEncoding;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.Position;
import io.tidemark.core.spi.ChangeSink;
import io.tidemark.core.spi.ChangeSink.Target;
import io.tidemark.core.spi.RowChange;
import io.tidemark.core.spi.TableSink;
import io.tidemark.core.testing.TaggedValueEncoding;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An in-memory sink: a table (key → column values), the committed progress of one collection, and a
 * log of every call, so tests can check what was committed together with what.
 */
final class FakeSink implements ChangeSink {
  /** One committed stream batch. */
  record Batch(List<RowChange> changes, Position position) {}

  /** What the sink holds for one target (the live table or a rebuild's shadow). */
  private static final class Store {
    final Map<String, List<String>> table = new TreeMap<>();
    SnapshotState state = SnapshotState.NONE;
    ClusterTime startTime;
    final Map<Integer, RangeProgress> ranges = new TreeMap<>();
    long estimated;
    ClusterTime consistentAfter;
    Position position;
  }

  /** A call a test holds or fails on purpose: the method's name and the target it writes. */
  private record Call(String method, Target target) {}

  /** Holds every call of one method and target until released, so a test acts while they wait. */
  static final class Gate {
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    void awaitEntered() throws InterruptedException {
      if (!entered.await(5, TimeUnit.SECONDS)) {
        throw new AssertionError("no call reached the gate within 5 s");
      }
    }

    void release() {
      released.countDown();
    }

    boolean entered() {
      return entered.getCount() == 0;
    }
  }

  private final Map<Call, Gate> gates = new ConcurrentHashMap<>();
  private final Map<Call, Queue<RuntimeException>> failures = new ConcurrentHashMap<>();
  private final Map<Target, Store> stores = new java.util.EnumMap<>(Target.class);
  private final Map<Target, AtomicInteger> applying =
      Map.of(Target.LIVE, new AtomicInteger(), Target.SHADOW, new AtomicInteger());
  private final List<String> overlaps = new CopyOnWriteArrayList<>();
  private final List<RowChange.DeadLetter> deadLetters = new ArrayList<>();
  private final List<Batch> batches = new ArrayList<>();
  private final List<String> log = new ArrayList<>();

  FakeSink() {
    stores.put(Target.LIVE, new Store());
    stores.put(Target.SHADOW, new Store());
  }

  /**
   * Holds calls of {@code method} (a name of {@link ChangeSink} or {@link TableSink}) for {@code
   * target} until released.
   */
  Gate hold(String method, Target target) {
    Gate gate = new Gate();
    gates.put(new Call(method, target), gate);
    return gate;
  }

  /** The next call of {@code method} for {@code target} throws {@code failure}, once. */
  void failNext(String method, Target target, RuntimeException failure) {
    failures
        .computeIfAbsent(new Call(method, target), c -> new ConcurrentLinkedQueue<>())
        .add(failure);
  }

  /** Runs before a call, outside the sink's lock: waits at its gate, throws its failure. */
  private void before(String method, Target target) {
    Call call = new Call(method, target);
    Gate gate = gates.get(call);
    if (gate != null) {
      gate.entered.countDown();
      try {
        gate.released.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted at the gate of " + call, e);
      }
    }
    Queue<RuntimeException> queued = failures.get(call);
    RuntimeException failure = queued == null ? null : queued.poll();
    if (failure != null) {
      throw failure;
    }
  }

  private Store live() {
    return stores.get(Target.LIVE);
  }

  /** Presets a finished copy, so the pipeline goes straight to streaming from {@code start}. */
  synchronized FakeSink streamingFrom(Position start) {
    live().state = SnapshotState.DONE;
    live().position = start;
    return this;
  }

  /** Core's tests see which values a sink's encoding spelled, not PostgreSQL's spellings. */
  @Override
  public ValueEncoding valueEncoding() {
    return TaggedValueEncoding.INSTANCE;
  }

  @Override
  public TableSink open(TableMapping mapping, Target target) {
    before("open", target);
    synchronized (this) {
      log.add("open " + (target == Target.SHADOW ? mapping.shadowTable() : mapping.table()));
    }
    return new Table(mapping, target);
  }

  /** A handle on one of the two stores; every call goes to the sink's methods below. */
  private final class Table implements TableSink {
    private final TableMapping mapping;
    private final Target target;

    Table(TableMapping mapping, Target target) {
      this.mapping = mapping;
      this.target = target;
    }

    @Override
    public TableMapping mapping() {
      return mapping;
    }

    @Override
    public Target target() {
      return target;
    }

    @Override
    public CollectionProgress loadProgress() {
      return FakeSink.this.loadProgress(mapping.collection(), target);
    }

    @Override
    public void beginSnapshot(ClusterTime startTime, long estimatedRows, List<String> splitKeys) {
      FakeSink.this.beginSnapshot(
          mapping.collection(), target, startTime, estimatedRows, splitKeys);
    }

    @Override
    public void writeSnapshotChunk(
        int range, List<RowChange> rows, String markAfterLast, boolean rangeDone) {
      FakeSink.this.writeSnapshotChunk(
          mapping.collection(), target, range, rows, markAfterLast, rangeDone);
    }

    @Override
    public void finishSnapshot(Position streamStart, ClusterTime copyEndTime) {
      FakeSink.this.finishSnapshot(mapping.collection(), target, streamStart, copyEndTime);
    }

    @Override
    public void applyBatch(List<RowChange> changes, Position position) {
      FakeSink.this.applyBatch(mapping.collection(), target, changes, position);
    }

    @Override
    public void swapIn() {
      requireShadow("swapIn");
      FakeSink.this.swapShadow(mapping);
    }

    @Override
    public void discard() {
      requireShadow("discard");
      FakeSink.this.discardShadow(mapping);
    }

    private void requireShadow(String method) {
      if (target != Target.SHADOW) {
        throw new IllegalStateException(method + " on the live table of " + mapping.collection());
      }
    }
  }

  @Override
  public CollectionProgress loadProgress(String collection, Target target) {
    before("loadProgress", target);
    return progressOf(target);
  }

  private synchronized CollectionProgress progressOf(Target target) {
    Store s = stores.get(target);
    return new CollectionProgress(
        s.state,
        s.startTime,
        s.ranges.values().stream().mapToLong(RangeProgress::rowsCopied).sum(),
        s.estimated,
        s.consistentAfter,
        Optional.ofNullable(s.position),
        List.copyOf(s.ranges.values()));
  }

  /** Presets a copy begun, as a daemon that crashed during it left it. */
  void beginSnapshot(
      String collection,
      Target target,
      ClusterTime startTime,
      long estimatedRows,
      List<String> splitKeys) {
    before("beginSnapshot", target);
    synchronized (this) {
      begin(collection, target, startTime, estimatedRows, splitKeys);
    }
  }

  private void begin(
      String collection,
      Target target,
      ClusterTime startTime,
      long estimatedRows,
      List<String> splitKeys) {
    log.add(
        (target == Target.SHADOW ? "shadow " : "")
            + "beginSnapshot "
            + collection
            + " at "
            + startTime.seconds()
            + "."
            + startTime.increment()
            + " estimated "
            + estimatedRows
            + (splitKeys.isEmpty() ? "" : " split at " + splitKeys));
    Store s = stores.get(target);
    if (target == Target.SHADOW) {
      s.table.clear();
    }
    s.state = SnapshotState.RUNNING;
    s.startTime = startTime;
    s.estimated = estimatedRows;
    s.ranges.clear();
    for (int i = 0; i <= splitKeys.size(); i++) {
      String after = i == 0 ? null : splitKeys.get(i - 1);
      String upTo = i == splitKeys.size() ? null : splitKeys.get(i);
      s.ranges.put(i, new RangeProgress(i, after, upTo, 0, false));
    }
    s.position = null;
  }

  private synchronized void writeSnapshotChunk(
      String collection,
      Target target,
      int range,
      List<RowChange> rows,
      String markAfterLast,
      boolean rangeDone) {
    Store s = stores.get(target);
    RangeProgress r = s.ranges.get(range);
    if (s.state != SnapshotState.RUNNING || r == null || r.done()) {
      throw new IllegalStateException("no running range " + range + " of " + collection);
    }
    rows.forEach(row -> apply(s, row));
    s.ranges.put(
        range,
        new RangeProgress(range, markAfterLast, r.upTo(), r.rowsCopied() + rows.size(), rangeDone));
    log.add(
        (target == Target.SHADOW ? "shadow " : "")
            + "chunk "
            + (range == 0 ? "" : range + " ")
            + keys(rows)
            + " mark "
            + markAfterLast
            + " total "
            + s.ranges.values().stream().mapToLong(RangeProgress::rowsCopied).sum()
            + (rangeDone ? " done" : ""));
  }

  private synchronized void finishSnapshot(
      String collection, Target target, Position streamStart, ClusterTime copyEndTime) {
    Store s = stores.get(target);
    // As the JDBC sink's SQL does: a copy is complete only when every one of its ranges is.
    List<Integer> notDone =
        s.ranges.values().stream().filter(r -> !r.done()).map(RangeProgress::range).toList();
    if (s.state != SnapshotState.RUNNING || !notDone.isEmpty()) {
      throw new TidemarkException(
          ErrorCode.INTERNAL,
          collection
              + ": the copy cannot be marked done: it is "
              + s.state
              + " and range(s) "
              + notDone
              + " of "
              + s.ranges.size()
              + " are not done");
    }
    log.add(
        (target == Target.SHADOW ? "shadow " : "")
            + "finishSnapshot from "
            + streamStart.token()
            + " consistent after "
            + copyEndTime.seconds()
            + "."
            + copyEndTime.increment());
    s.state = SnapshotState.DONE;
    s.position = streamStart;
    s.consistentAfter = copyEndTime;
  }

  private void applyBatch(
      String collection, Target target, List<RowChange> changes, Position newPosition) {
    AtomicInteger running = applying.get(target);
    if (running.incrementAndGet() > 1) {
      overlaps.add(
          target
              + " batch to "
              + newPosition
              + " started while an earlier batch of "
              + collection
              + " was still committing");
    }
    try {
      before("applyBatch", target);
      synchronized (this) {
        commitBatch(target, changes, newPosition);
      }
    } finally {
      running.decrementAndGet();
    }
  }

  /** Batches that started while an earlier one of the same target was still committing. */
  List<String> overlaps() {
    return List.copyOf(overlaps);
  }

  private void commitBatch(Target target, List<RowChange> changes, Position newPosition) {
    java.util.Set<String> keys = new java.util.HashSet<>();
    for (RowChange c : changes) {
      if (!keys.add(c.key().text())) {
        throw new AssertionError("two changes for key " + c.key() + " in one batch: " + changes);
      }
    }
    Store s = stores.get(target);
    changes.forEach(c -> apply(s, c));
    if (target == Target.LIVE) {
      batches.add(new Batch(List.copyOf(changes), newPosition));
    }
    if (s.position == null || !s.position.isAfter(newPosition)) {
      s.position = newPosition;
    }
  }

  private void swapShadow(TableMapping mapping) {
    before("swapIn", Target.SHADOW);
    synchronized (this) {
      swap(mapping);
    }
  }

  private void swap(TableMapping mapping) {
    log.add("swap " + mapping.shadowTable() + " -> " + mapping.table());
    stores.put(Target.LIVE, stores.get(Target.SHADOW));
    stores.put(Target.SHADOW, new Store());
  }

  private synchronized void discardShadow(TableMapping mapping) {
    log.add("discard " + mapping.shadowTable());
    stores.put(Target.SHADOW, new Store());
  }

  /** The rebuild's shadow table, for tests of rebuilds. */
  synchronized Map<String, List<String>> shadowTable() {
    return new TreeMap<>(stores.get(Target.SHADOW).table);
  }

  /** A row's values as a sink stores them: text, which {@code toString()} gives for every value. */
  static List<String> stored(CharSequence[] values) {
    List<String> texts = new ArrayList<>(values.length);
    for (CharSequence value : values) {
      texts.add(value == null ? null : value.toString());
    }
    return texts;
  }

  private void apply(Store s, RowChange change) {
    if (change instanceof RowChange.Upsert u) {
      s.table.put(u.key().text(), stored(u.row().values()));
    } else if (change instanceof RowChange.Delete d) {
      s.table.remove(d.key().text());
    } else if (change instanceof RowChange.DeadLetter dl) {
      s.table.remove(dl.key().text());
      deadLetters.add(dl);
    }
  }

  private static List<String> keys(List<RowChange> rows) {
    return rows.stream().map(r -> r.key().text()).toList();
  }

  @Override
  public void close() {}

  synchronized Map<String, List<String>> table() {
    return new TreeMap<>(live().table);
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
    return live().position;
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
