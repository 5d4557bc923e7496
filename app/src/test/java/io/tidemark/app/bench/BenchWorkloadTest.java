package io.tidemark.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.app.bench.BenchWorkload.Change;
import io.tidemark.app.bench.BenchWorkload.Kind;
import io.tidemark.core.event.Operation;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BenchWorkloadTest {
  private static final long ROWS = 100_000;
  private final BenchWorkload workload = new BenchWorkload(ROWS, ROWS / 10, 0.9, 42);

  @Test
  void insertOnlyInsertsEachDocumentOnceInIdOrder() {
    for (long i = 0; i < 1_000; i++) {
      assertThat(workload.change(Kind.INSERT_ONLY, i))
          .isEqualTo(new Change(Operation.INSERT, i, 0));
    }
  }

  @Test
  void theHotSetHasItsSizeAndGetsItsShareOfTheUpdates() {
    long hotKeys = 0;
    for (long id = 0; id < ROWS; id++) {
      hotKeys += workload.isHot(id) ? 1 : 0;
    }
    assertThat(hotKeys).isEqualTo(ROWS / 10);

    long onHot = 0;
    long malformed = 0;
    for (long i = 0; i < ROWS; i++) {
      Change c = workload.change(Kind.UPDATE_HOT, i);
      boolean ok = c.operation() == Operation.UPDATE && c.id() >= 0 && c.id() < ROWS;
      malformed += ok && c.version() > 0 ? 0 : 1;
      onHot += workload.isHot(c.id()) ? 1 : 0;
    }
    assertThat(malformed).isZero();
    // 90% aimed at the hot set, plus the cold updates that land on a hot key by chance (10% of
    // 10%).
    assertThat(onHot / (double) ROWS).isBetween(0.90, 0.92);
  }

  @Test
  void eventsAreAFunctionOfTheirIndex() {
    BenchWorkload again = new BenchWorkload(ROWS, ROWS / 10, 0.9, 42);
    for (long i = 0; i < 5_000; i += 7) {
      for (Kind kind : Kind.values()) {
        assertThat(again.change(kind, i)).isEqualTo(workload.change(kind, i));
      }
    }
  }

  @Test
  void deleteMixedNeverTouchesADeletedDocumentAndDeletesEachOnce() {
    Map<Operation, Long> mix = new EnumMap<>(Operation.class);
    Set<Long> deleted = new HashSet<>();
    Set<Long> inserted = new HashSet<>();
    List<String> wrong = new ArrayList<>();
    for (long i = 0; i < ROWS; i++) {
      Change c = workload.change(Kind.DELETE_MIXED, i);
      mix.merge(c.operation(), 1L, Long::sum);
      boolean ok;
      switch (c.operation()) {
        case INSERT:
          ok = c.id() >= ROWS && inserted.add(c.id());
          break;
        case UPDATE:
          ok = c.id() < ROWS && !deleted.contains(c.id());
          break;
        default:
          ok = deleted.add(c.id());
      }
      if (!ok) {
        wrong.add(i + ": " + c);
      }
    }
    assertThat(wrong).isEmpty();
    assertThat(mix)
        .containsEntry(Operation.INSERT, ROWS * 4 / 10)
        .containsEntry(Operation.UPDATE, ROWS * 3 / 10)
        .containsEntry(Operation.DELETE, ROWS * 3 / 10);
  }
}
