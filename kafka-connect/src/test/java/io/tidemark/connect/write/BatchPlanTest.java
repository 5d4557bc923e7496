package io.tidemark.connect.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.sink.jdbc.write.LogPartition;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchPlanTest {
  private static final LogPartition P0 = new LogPartition("cdc.shop", 0);
  private static final LogPartition P1 = new LogPartition("cdc.shop", 1);

  @Test
  void aPartitionsRunsOfOneCollectionAreCommittedInTheirOrder() {
    List<ReadRecord> records =
        List.of(
            r(P0, 0, "a"),
            r(P1, 0, "a"),
            r(P0, 1, "a"),
            r(P0, 2, "b"),
            r(P1, 1, "b"),
            r(P0, 3, "a"));

    List<BatchPlan.Step> steps = BatchPlan.plan(records);

    assertThat(steps).extracting(BatchPlan.Step::collection).containsExactly("a", "b", "a");
    assertThat(steps.get(0).records())
        .extracting(ReadRecord::where)
        .containsExactly("cdc.shop-0@0", "cdc.shop-0@1", "cdc.shop-1@0");
    assertThat(steps.get(1).records())
        .extracting(ReadRecord::where)
        .containsExactly("cdc.shop-0@2", "cdc.shop-1@1");
    assertThat(steps.get(2).records())
        .extracting(ReadRecord::where)
        .containsExactly("cdc.shop-0@3");
  }

  @Test
  void aTopicPerCollectionIsOneTransactionPerCollection() {
    LogPartition orders = new LogPartition("cdc.shop.orders", 0);
    LogPartition users = new LogPartition("cdc.shop.users", 0);
    List<ReadRecord> records =
        List.of(r(orders, 5, "orders"), r(users, 9, "users"), r(orders, 6, "orders"));

    assertThat(BatchPlan.plan(records))
        .extracting(BatchPlan.Step::collection)
        .containsExactly("orders", "users");
  }

  private static ReadRecord r(LogPartition p, long offset, String collection) {
    return new ReadRecord(p, offset, collection, null, null, "not decoded in this test");
  }
}
