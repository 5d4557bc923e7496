package io.tidemark.source.mongo.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.core.event.ChangeEvent;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.Position;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * One change stream per database shared by the readers of its collections ({@link DatabaseStream},
 * {@link SharedChangeCursor}), over a {@link FakeOplog}: each reader gets its collection's changes,
 * in order, each once, wherever it starts and however the others read.
 */
class DatabaseStreamTest {
  private static final Position BEGINNING = MongoPositions.startAt(new ClusterTime(1, 0));
  private static final long GATHER_OVER = Duration.ofSeconds(10).toNanos();

  private final FakeOplog log = new FakeOplog();

  /** The clock the gathering is measured on: past its end at every look, unless stopped. */
  private final long[] clock = {0};

  private boolean clockRuns = true;

  private DatabaseStream stream(DatabaseStream.Opener opener) {
    return new DatabaseStream(
        FakeOplog.DATABASE,
        opener,
        Duration.ofMillis(20),
        () -> clockRuns ? clock[0] += GATHER_OVER : clock[0]);
  }

  private DatabaseStream stream() {
    return stream(log::openDatabase);
  }

  private SharedChangeCursor reader(DatabaseStream stream, String collection, Position from) {
    return new SharedChangeCursor(
        stream, collection, from, (id, time) -> null, p -> log.openOwn(collection, p));
  }

  /** Reads until {@code count} events came, or many reads in a row came back empty. */
  private static List<String> read(SharedChangeCursor reader, int count) {
    List<String> events = new ArrayList<>();
    int empty = 0;
    while (events.size() < count && empty < 200) {
      ChangeEvent event = reader.tryNext();
      if (event == null) {
        empty++;
        continue;
      }
      empty = 0;
      events.add(describe(event));
    }
    return events;
  }

  private static String describe(ChangeEvent event) {
    return event.operation().name().toLowerCase() + " " + event.key().text();
  }

  private static List<String> inserts(int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(i -> "insert " + i).toList();
  }

  @Test
  void oneStreamServesEveryCollectionAndEachReaderGetsOnlyItsChangesInOrder() {
    for (int i = 1; i <= 30; i++) {
      for (String c : List.of("a", "b", "c")) {
        log.write(c, "insert", i);
      }
    }
    DatabaseStream stream = stream();
    List<SharedChangeCursor> readers = new ArrayList<>();
    for (String c : List.of("a", "b", "c")) {
      stream.expect(c);
      readers.add(reader(stream, c, BEGINNING));
    }
    for (SharedChangeCursor reader : readers) {
      assertThat(read(reader, 30)).isEqualTo(inserts(1, 30));
      assertThat(reader.tryNext()).isNull();
    }
    assertThat(log.databaseStreamsOpened.get()).isEqualTo(1);
    assertThat(log.ownStreamsOpened.get()).isZero();
    // The server read each of the 90 entries once; a stream per collection reads each three times.
    assertThat(log.entriesExamined.get()).isEqualTo(90);
    readers.forEach(SharedChangeCursor::close);
  }

  @Test
  void theStreamWaitsForTheExpectedReadersThenStartsAtTheOldestAndEachSkipsWhatItHas() {
    FakeOplog.Entry a1 = log.write("a", "insert", 1);
    FakeOplog.Entry b1 = log.write("b", "insert", 1);
    FakeOplog.Entry a2 = log.write("a", "insert", 2);
    log.write("b", "insert", 2);
    ClusterTime transaction = new ClusterTime(500, 1);
    FakeOplog.Entry a3 = log.writeAt(transaction, "a", "insert", 3);
    log.writeAt(transaction, "b", "insert", 3);
    log.writeAt(transaction, "a", "insert", 4);
    clockRuns = false;
    List<ClusterTime> starts = new ArrayList<>();
    DatabaseStream stream =
        stream(
            (collections, at) -> {
              starts.add(at);
              return log.openDatabase(collections, at);
            });
    stream.expect("a");
    stream.expect("b");
    SharedChangeCursor a = reader(stream, "a", after(a2));
    assertThat(a.tryNext()).as("b has not subscribed and the gathering is not over").isNull();
    assertThat(starts).isEmpty();
    SharedChangeCursor b = reader(stream, "b", after(b1));

    assertThat(read(a, 2)).containsExactly("insert 3", "insert 4");
    assertThat(read(b, 2)).containsExactly("insert 2", "insert 3");
    assertThat(starts).containsExactly(b1.time());
    assertThat(a1.time()).isLessThan(b1.time());

    // Inside a transaction (one time for all its events) a saved event skips only what preceded it.
    SharedChangeCursor inside = reader(stream, "a", after(a3));
    assertThat(read(inside, 1)).containsExactly("insert 4");
    List.of(a, b, inside).forEach(SharedChangeCursor::close);
  }

  @Test
  void aSavedEventThatNeverShowsUpReplaysItsTimeRatherThanLoseAnything() {
    ClusterTime transaction = new ClusterTime(500, 1);
    log.writeAt(transaction, "a", "insert", 1);
    log.writeAt(transaction, "a", "insert", 2);
    log.write("a", "insert", 3);
    Position unknown =
        MongoPositions.afterEvent(
            FakeOplog.Entry.token(transaction, "80FFFFFFFF"), transaction, false);
    SharedChangeCursor a = reader(stream(), "a", unknown);
    assertThat(read(a, 3)).containsExactly("insert 1", "insert 2", "insert 3");
    a.close();
  }

  @Test
  void aReaderBehindTheStreamCatchesUpOnItsOwnStreamThenSwitchesToTheSharedOne() {
    for (int i = 1; i <= 20; i++) {
      log.write("a", "insert", i);
      log.write("b", "insert", i);
    }
    DatabaseStream stream = stream();
    stream.expect("b");
    SharedChangeCursor a = reader(stream, "a", BEGINNING);
    assertThat(read(a, 20)).isEqualTo(inserts(1, 20));
    a.tryNext(); // the stream reads to its end

    SharedChangeCursor b = reader(stream, "b", BEGINNING); // a copy that just finished
    assertThat(log.ownStreamsOpened.get()).as("b catches up on its own stream").isEqualTo(1);
    for (int i = 21; i <= 30; i++) {
      log.write("a", "insert", i);
      log.write("b", "insert", i);
    }
    assertThat(read(a, 10)).isEqualTo(inserts(21, 30));
    assertThat(read(b, 30)).as("every change once, in order").isEqualTo(inserts(1, 30));
    for (int i = 31; i <= 35; i++) {
      log.write("b", "insert", i);
    }
    assertThat(read(b, 5)).isEqualTo(inserts(31, 35));
    assertThat(log.ownStreamsOpened.get()).as("b switched to the shared stream").isEqualTo(1);
    assertThat(log.databaseStreamsOpened.get()).isEqualTo(1);
    List.of(a, b).forEach(SharedChangeCursor::close);
  }

  @Test
  void aReaderThatStopsReadingHoldsNobodyBackAndLosesNothing() {
    int many = ChangeRouter.QUEUE_MAX_CHANGES + 1000;
    for (int i = 1; i <= many; i++) {
      log.write("paused", "insert", i);
      if (i % 50 == 0) {
        log.write("busy", "insert", i / 50);
      }
    }
    DatabaseStream stream = stream();
    stream.expect("busy");
    stream.expect("paused");
    SharedChangeCursor busy = reader(stream, "busy", BEGINNING);
    SharedChangeCursor paused = reader(stream, "paused", BEGINNING);

    assertThat(read(busy, many / 50)).isEqualTo(inserts(1, many / 50));
    assertThat(stream.queuedChanges())
        .as("the paused reader's queue was dropped when it outgrew its bound")
        .isLessThanOrEqualTo(ChangeRouter.QUEUE_MAX_CHANGES);

    assertThat(read(paused, many)).isEqualTo(inserts(1, many));
    assertThat(log.ownStreamsOpened.get()).as("it caught up on its own stream").isEqualTo(1);
    List.of(busy, paused).forEach(SharedChangeCursor::close);
  }

  @Test
  void aStreamThatFailsWhileReadingFailsEveryReaderAndOpensAgainForThem() {
    log.write("a", "insert", 1);
    log.write("b", "insert", 1);
    RuntimeException cut = new IllegalStateException("connection cut");
    int[] changes = {0};
    log.beforeDatabaseChange =
        e -> {
          if (changes[0]++ == 1) {
            throw cut;
          }
        };
    DatabaseStream stream = stream();
    SharedChangeCursor a = reader(stream, "a", BEGINNING);
    SharedChangeCursor b = reader(stream, "b", BEGINNING);
    assertThat(read(a, 1)).containsExactly("insert 1");
    assertThatThrownBy(() -> read(a, 1)).isSameAs(cut);
    assertThatThrownBy(() -> read(b, 1)).as("the other reader too").isSameAs(cut);
    a.close();
    b.close();

    SharedChangeCursor b2 = reader(stream, "b", BEGINNING);
    assertThat(read(b2, 1)).containsExactly("insert 1");
    assertThat(log.databaseStreamsOpened.get()).isEqualTo(2);
    b2.close();
  }

  @Test
  void aStreamThatCannotOpenAtTheOldestPositionFailsOnlyTheReadersThere() {
    FakeOplog.Entry old = log.write("old", "insert", 1);
    FakeOplog.Entry recent = log.write("recent", "insert", 1);
    log.write("recent", "insert", 2);
    RuntimeException lost = new IllegalStateException("history lost");
    DatabaseStream stream =
        stream(
            (collections, at) -> {
              if (at.compareTo(recent.time()) < 0) {
                throw lost;
              }
              return log.openDatabase(collections, at);
            });
    SharedChangeCursor oldReader = reader(stream, "old", after(old));
    SharedChangeCursor recentReader = reader(stream, "recent", after(recent));
    assertThatThrownBy(() -> read(oldReader, 1)).isSameAs(lost);
    assertThat(read(recentReader, 1)).containsExactly("insert 2");
    List.of(oldReader, recentReader).forEach(SharedChangeCursor::close);
  }

  /**
   * Where two events meet: a reader subscribes while another reader holds a change of its
   * collection between reading and routing it (it must come through the queue), or just after a
   * change at its very start time went by (it must come through its own stream). Each gets every
   * change once.
   */
  @Test
  void aReaderSubscribingAsAChangeOfItsCollectionGoesByGetsItOnce() throws Exception {
    for (int i = 1; i <= 5; i++) {
      log.write("a", "insert", i);
    }
    DatabaseStream stream = stream();
    stream.expect("b");
    stream.expect("c");
    SharedChangeCursor a = reader(stream, "a", BEGINNING);
    assertThat(read(a, 5)).isEqualTo(inserts(1, 5));
    assertThat(a.tryNext()).isNull();
    FakeOplog.Entry b1 = log.write("b", "insert", 1);
    FakeOplog.Entry c1 = log.write("c", "insert", 1);
    log.write("b", "insert", 2);
    log.write("c", "insert", 2);

    CountDownLatch read = new CountDownLatch(1);
    CountDownLatch subscribed = new CountDownLatch(1);
    log.beforeDatabaseChange =
        e -> {
          if (e.equals(b1)) {
            read.countDown();
            await(subscribed);
          }
        };
    Thread pulling = new Thread(a::tryNext); // reads b1 for everyone, waits before routing it
    pulling.start();
    assertThat(read.await(5, TimeUnit.SECONDS)).isTrue();
    SharedChangeCursor b = reader(stream, "b", MongoPositions.startAt(b1.time()));
    subscribed.countDown();
    pulling.join(5000);
    assertThat(log.ownStreamsOpened.get()).as("b joined ahead of the stream").isZero();

    assertThat(a.tryNext()).isNull(); // routes c1, which nobody reads yet
    SharedChangeCursor c = reader(stream, "c", MongoPositions.startAt(c1.time()));
    assertThat(log.ownStreamsOpened.get()).as("c1 went by: c catches up").isEqualTo(1);

    assertThat(read(b, 2)).containsExactly("insert 1", "insert 2");
    assertThat(read(c, 2)).containsExactly("insert 1", "insert 2");
    assertThat(read(b, 1)).isEmpty();
    assertThat(read(c, 1)).isEmpty();
    List.of(a, b, c).forEach(SharedChangeCursor::close);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Position after(FakeOplog.Entry entry) {
    return MongoPositions.afterEvent(entry.token(), entry.time(), false);
  }
}
