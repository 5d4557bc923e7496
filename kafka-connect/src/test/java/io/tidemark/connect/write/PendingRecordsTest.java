package io.tidemark.connect.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.sink.jdbc.write.LogPartition;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * When held records are due, what a record handed again is, and what dropping a partition keeps.
 */
class PendingRecordsTest {
  private static final LogPartition P0 = new LogPartition("cdc.shop.orders", 0);
  private static final LogPartition P1 = new LogPartition("cdc.shop.orders", 1);
  private static final long MS = 1_000_000L;

  @Test
  void dueByCountBytesOrAgeOfTheOldest() {
    PendingRecords byCount = new PendingRecords(new PendingRecords.Limits(3, 1 << 20, 1_000));
    assertThat(byCount.holdOrTake(records(P0, 0, 2), 0)).as("held").isNull();
    assertThat(byCount.millisUntilDue(400 * MS)).isEqualTo(600);
    assertThat(byCount.holdOrTake(List.of(), 10 * MS)).isNull();
    assertThat(byCount.holdOrTake(records(P0, 2, 3), 10 * MS))
        .as("three with this one, held ones first")
        .extracting(ReadRecord::offset)
        .containsExactly(0L, 1L, 2L);
    assertThat(byCount.size()).as("nothing of a due call is held").isEqualTo(2);
    assertThat(byCount.holdOrTake(List.of(), 1_000 * MS))
        .as("the oldest waited the linger")
        .hasSize(2);

    // A record that did not decode counts 256 bytes.
    PendingRecords byBytes = new PendingRecords(new PendingRecords.Limits(100, 600, 1_000));
    assertThat(byBytes.holdOrTake(records(P0, 0, 2), 0)).isNull();
    assertThat(byBytes.bytes()).isEqualTo(512);
    assertThat(byBytes.holdOrTake(records(P0, 2, 3), 0)).hasSize(3);

    PendingRecords none = new PendingRecords(PendingRecords.Limits.NONE);
    assertThat(none.holdOrTake(List.of(), 0)).as("nothing held, nothing handed").isNull();
    assertThat(none.holdOrTake(records(P0, 0, 1), 0)).as("linger 0: every poll at once").hasSize(1);
    assertThat(none.size()).isZero();
  }

  @Test
  void aRecordAtOrBelowItsPartitionsLastHeldOffsetWasHandedAgainAndIsNotHeldTwice() {
    PendingRecords pending = new PendingRecords(new PendingRecords.Limits(100, 1 << 20, 1_000));
    pending.holdOrTake(records(P0, 10, 13), 0);
    List<ReadRecord> again = records(P0, 8, 14);

    assertThat(pending.fresh(again)).extracting(ReadRecord::offset).containsExactly(13L);
    assertThat(pending.fresh(records(P1, 0, 2))).as("another partition").hasSize(2);
    pending.holdOrTake(pending.fresh(again), 0);
    assertThat(pending.held()).extracting(ReadRecord::offset).containsExactly(10L, 11L, 12L, 13L);
  }

  @Test
  void droppingAPartitionKeepsTheOthersInOrder() {
    PendingRecords pending = new PendingRecords(new PendingRecords.Limits(100, 1 << 20, 1_000));
    pending.holdOrTake(records(P0, 0, 2), 0);
    pending.holdOrTake(records(P1, 5, 7), 0);
    pending.holdOrTake(records(P0, 2, 3), 0);

    pending.drop(Set.of(P0));

    assertThat(pending.size()).isEqualTo(2);
    assertThat(pending.bytes()).isEqualTo(512);
    assertThat(pending.held())
        .extracting(r -> r.partition().partition() + "@" + r.offset())
        .containsExactly("1@5", "1@6");
    assertThat(pending.fresh(records(P0, 0, 1)))
        .as("a dropped partition's records are read again, and held again")
        .hasSize(1);
    pending.clear();
    assertThat(pending.size()).isZero();
    assertThat(pending.millisUntilDue(0)).isZero();
  }

  private static List<ReadRecord> records(LogPartition p, long from, long to) {
    return LongStream.range(from, to)
        .mapToObj(o -> new ReadRecord(p, o, "orders", null, null, "not decoded in this test"))
        .toList();
  }
}
