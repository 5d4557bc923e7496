package io.tidemark.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.core.event.ChangeEvent;
import io.tidemark.core.event.Operation;
import io.tidemark.core.event.TransactionId;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.Position;
import io.tidemark.core.testing.FakeDocument;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TransactionBufferTest {
  private static final TransactionId T1 = new TransactionId("session-1", 7);
  private static final TransactionId T2 = new TransactionId("session-2", 3);
  private static final Position START = new Position("start", new ClusterTime(10, 0));

  private int counter;

  private ChangeEvent event(String key, long seconds, long increment, TransactionId txn) {
    Position p = new Position("ev" + (counter++), new ClusterTime(seconds, increment));
    return new ChangeEvent(
        Operation.INSERT, FakeDocument.of(key).key(), FakeDocument.of(key), p, txn, null);
  }

  private static Position at(long seconds, long increment) {
    return new Position("hb" + seconds + "." + increment, new ClusterTime(seconds, increment));
  }

  @Test
  void eventsWithoutTransactionAreReadyInStreamOrder() {
    TransactionBuffer buffer = new TransactionBuffer(START);
    ChangeEvent a = event("a", 11, 1, null);
    ChangeEvent b = event("b", 11, 2, null);
    ChangeEvent c = event("c", 12, 1, null);
    buffer.add(a, 1);
    buffer.add(b, 2);
    buffer.add(c, 3);

    assertThat(buffer.ready()).containsExactly(a, b, c);
    assertThat(buffer.hasPending()).isFalse();
    assertThat(buffer.readyPosition()).isEqualTo(c.position());
    assertThat(buffer.readyBytes()).isEqualTo(300);
    assertThat(buffer.oldestReadyNanos()).isEqualTo(1);
  }

  @Test
  void startsAtTheCommittedPosition() {
    TransactionBuffer buffer = new TransactionBuffer(START);
    assertThat(buffer.readyPosition()).isEqualTo(START);
    assertThat(buffer.ready()).isEmpty();
  }

  @Test
  void transactionWaitsUntilAnEventOutsideItWithLaterTime() {
    TransactionBuffer buffer = new TransactionBuffer(START);
    ChangeEvent before = event("a", 11, 1, null);
    ChangeEvent t1 = event("x", 12, 1, T1);
    ChangeEvent t2 = event("y", 12, 1, T1);
    buffer.add(before, 1);
    buffer.add(t1, 2);
    buffer.add(t2, 3);

    assertThat(buffer.ready()).containsExactly(before);
    assertThat(buffer.readyPosition()).isEqualTo(before.position());
    assertThat(buffer.hasPending()).isTrue();

    ChangeEvent after = event("b", 12, 2, null);
    buffer.add(after, 4);

    assertThat(buffer.ready()).containsExactly(before, t1, t2, after);
    assertThat(buffer.hasPending()).isFalse();
    assertThat(buffer.readyPosition()).isEqualTo(after.position());
  }

  @Test
  void transactionSpanningSeveralClusterTimesStaysTogether() {
    TransactionBuffer buffer = new TransactionBuffer(START);
    ChangeEvent t1 = event("x", 12, 1, T1);
    ChangeEvent t2 = event("y", 12, 2, T1);
    ChangeEvent t3 = event("z", 13, 1, T1);
    buffer.add(t1, 1);
    buffer.add(t2, 2);
    buffer.add(t3, 3);
    assertThat(buffer.ready()).isEmpty();

    // a heartbeat at the first entry's time must not close a group that went on past it
    buffer.heartbeat(at(12, 2), 4);
    assertThat(buffer.ready()).isEmpty();
    assertThat(buffer.readyPosition()).isEqualTo(START);

    buffer.heartbeat(at(13, 2), 5);
    assertThat(buffer.ready()).containsExactly(t1, t2, t3);
  }

  @Test
  void heartbeatWithLaterTimeClosesTheTransactionAndMovesThePosition() {
    TransactionBuffer buffer = new TransactionBuffer(START);
    ChangeEvent t1 = event("x", 12, 1, T1);
    buffer.add(t1, 1);

    buffer.heartbeat(at(12, 1), 2);
    assertThat(buffer.ready()).isEmpty();
    assertThat(buffer.hasPending()).isTrue();
    assertThat(buffer.readyPosition()).isEqualTo(START);

    Position later = at(12, 2);
    buffer.heartbeat(later, 3);
    assertThat(buffer.ready()).containsExactly(t1);
    assertThat(buffer.hasPending()).isFalse();
    assertThat(buffer.readyPosition()).isEqualTo(later);
  }

  @Test
  void eventWithTheSameTimeAsAnOpenTransactionWaitsWithIt() {
    TransactionBuffer buffer = new TransactionBuffer(START);
    ChangeEvent t1 = event("x", 12, 1, T1);
    ChangeEvent sameTime = event("a", 12, 1, null);
    ChangeEvent t2 = event("y", 12, 1, T1);
    buffer.add(t1, 1);
    buffer.add(sameTime, 2);
    buffer.add(t2, 3);

    assertThat(buffer.ready()).isEmpty();
    assertThat(buffer.readyPosition()).isEqualTo(START);

    ChangeEvent later = event("b", 13, 0, null);
    buffer.add(later, 4);
    // stream order is kept: the plain event stays between the transaction's events
    assertThat(buffer.ready()).containsExactly(t1, sameTime, t2, later);
  }

  @Test
  void nextTransactionWithLaterTimeClosesThePreviousOne() {
    TransactionBuffer buffer = new TransactionBuffer(START);
    ChangeEvent a1 = event("x", 12, 1, T1);
    ChangeEvent a2 = event("y", 12, 1, T1);
    ChangeEvent b1 = event("z", 13, 1, T2);
    buffer.add(a1, 1);
    buffer.add(a2, 2);
    buffer.add(b1, 3);

    assertThat(buffer.ready()).containsExactly(a1, a2);
    assertThat(buffer.readyPosition()).isEqualTo(a2.position());
    assertThat(buffer.hasPending()).isTrue();
  }

  @Test
  void sameTransactionNumberInAnotherSessionIsAnotherTransaction() {
    TransactionBuffer buffer = new TransactionBuffer(START);
    ChangeEvent a = event("x", 12, 1, new TransactionId("s1", 1));
    ChangeEvent b = event("y", 13, 1, new TransactionId("s2", 1));
    buffer.add(a, 1);
    buffer.add(b, 2);
    assertThat(buffer.ready()).containsExactly(a);
  }

  @Test
  void readyPositionNeverGoesBackOnAnOlderHeartbeat() {
    TransactionBuffer buffer = new TransactionBuffer(START);
    ChangeEvent a = event("a", 20, 5, null);
    buffer.add(a, 1);

    buffer.heartbeat(at(19, 0), 2);
    assertThat(buffer.readyPosition()).isEqualTo(a.position());
    buffer.heartbeat(at(20, 5), 3);
    assertThat(buffer.readyPosition()).isEqualTo(a.position());

    Position later = at(21, 0);
    buffer.heartbeat(later, 4);
    assertThat(buffer.readyPosition()).isEqualTo(later);
    buffer.heartbeat(at(20, 9), 5);
    assertThat(buffer.readyPosition()).isEqualTo(later);
  }

  @Test
  void heartbeatOlderThanTheCommittedStartIsIgnored() {
    TransactionBuffer buffer = new TransactionBuffer(START);
    buffer.heartbeat(at(5, 0), 1);
    assertThat(buffer.readyPosition()).isEqualTo(START);
  }

  @Test
  void clearReadyKeepsThePositionAndThePending() {
    TransactionBuffer buffer = new TransactionBuffer(START);
    ChangeEvent a = event("a", 11, 0, null);
    ChangeEvent t = event("x", 12, 0, T1);
    buffer.add(a, 1);
    buffer.add(t, 2);
    buffer.clearReady();

    assertThat(buffer.ready()).isEmpty();
    assertThat(buffer.readyBytes()).isZero();
    assertThat(buffer.readyPosition()).isEqualTo(a.position());
    assertThat(buffer.hasPending()).isTrue();

    ChangeEvent b = event("b", 13, 0, null);
    buffer.add(b, 50);
    assertThat(buffer.ready()).containsExactly(t, b);
    assertThat(buffer.oldestReadyNanos()).isEqualTo(50);
  }

  /**
   * Two transactions share a cluster time (sharded clusters; any deployment since 8.0, see
   * CHANGE-STREAMS.md §6) and the second spans a later oplog entry. The buffer tracks only one open
   * transaction, so the second one's first event is released with the first transaction and its
   * later event opens a new group: the second transaction is split across two sink transactions.
   */
  @Test
  void secondTransactionSharingTheOpenTransactionsTimeIsNotSplit() {
    TransactionBuffer buffer = new TransactionBuffer(START);
    ChangeEvent a1 = event("a", 12, 1, T1);
    ChangeEvent b1 = event("b", 12, 1, T2);
    ChangeEvent b2 = event("c", 12, 2, T2);
    buffer.add(a1, 1);
    buffer.add(b1, 2);
    buffer.add(b2, 3);

    List<ChangeEvent> ready = List.copyOf(buffer.ready());
    assertThat(ready.contains(b1)).as("b1 ready").isEqualTo(ready.contains(b2));
  }

  /**
   * Random streams of plain events and transactions (each transaction contiguous except for plain
   * events at its current time, possibly over several cluster times), with heartbeats and commits
   * at random points. At every commit the events committed so far are a prefix of the stream and
   * hold each transaction completely or not at all; the committed position never goes backwards.
   */
  @Test
  void neverSplitsATransactionInRandomStreams() {
    for (long seed = 0; seed < 300; seed++) {
      Random random = new Random(seed);
      List<ChangeEvent> stream = new ArrayList<>();
      List<Object> items = new ArrayList<>(); // ChangeEvent or Position (heartbeat)
      Map<TransactionId, Integer> sizes = new HashMap<>();
      long seconds = 11;
      long increment = 0;
      int txnCount = 0;
      int groups = 5 + random.nextInt(15);
      for (int g = 0; g < groups; g++) {
        seconds += 1 + random.nextInt(2);
        increment = random.nextInt(3);
        if (random.nextBoolean()) {
          ChangeEvent e = event("k" + random.nextInt(5), seconds, increment, null);
          stream.add(e);
          items.add(e);
        } else {
          TransactionId txn = new TransactionId("s" + random.nextInt(3), txnCount++);
          int n = 1 + random.nextInt(5);
          sizes.put(txn, n);
          for (int k = 0; k < n; k++) {
            if (k > 0 && random.nextInt(4) == 0) {
              increment++; // a large transaction continues in the next oplog entry
            }
            ChangeEvent e = event("k" + random.nextInt(5), seconds, increment, txn);
            stream.add(e);
            items.add(e);
            if (random.nextInt(4) == 0) {
              ChangeEvent plain = event("p" + random.nextInt(5), seconds, increment, null);
              stream.add(plain);
              items.add(plain);
            }
            if (random.nextInt(5) == 0) {
              items.add(at(seconds, Math.max(0, increment - random.nextInt(2)))); // not past it
            }
          }
        }
        if (random.nextInt(3) == 0) {
          items.add(at(seconds, increment + 1 + random.nextInt(2)));
        }
        if (random.nextInt(4) == 0) {
          items.add(at(seconds - 1, 0)); // stale heartbeat
        }
      }

      TransactionBuffer buffer = new TransactionBuffer(START);
      List<ChangeEvent> committed = new ArrayList<>();
      Position lastPosition = START;
      long now = 0;
      for (Object item : items) {
        if (item instanceof ChangeEvent e) {
          buffer.add(e, now++);
        } else {
          buffer.heartbeat((Position) item, now++);
        }
        assertThat(buffer.readyPosition().clusterTime())
            .as("seed %d: ready position goes backwards", seed)
            .isGreaterThanOrEqualTo(lastPosition.clusterTime());
        lastPosition = buffer.readyPosition();
        if (random.nextInt(3) == 0) {
          committed.addAll(buffer.ready());
          buffer.clearReady();
          assertWhole(seed, stream, committed, sizes);
        }
      }
      committed.addAll(buffer.ready());
      buffer.clearReady();
      assertWhole(seed, stream, committed, sizes);
    }
  }

  private static void assertWhole(
      long seed,
      List<ChangeEvent> stream,
      List<ChangeEvent> committed,
      Map<TransactionId, Integer> sizes) {
    assertThat(committed)
        .as("seed %d: committed events are a prefix of the stream", seed)
        .isEqualTo(stream.subList(0, committed.size()));
    Map<TransactionId, Integer> seen = new HashMap<>();
    for (ChangeEvent e : committed) {
      if (e.transaction() != null) {
        seen.merge(e.transaction(), 1, Integer::sum);
      }
    }
    Set<TransactionId> partial = new HashSet<>();
    seen.forEach(
        (txn, n) -> {
          if (!n.equals(sizes.get(txn))) {
            partial.add(txn);
          }
        });
    assertThat(partial).as("seed %d: transactions committed in part", seed).isEmpty();
  }
}
