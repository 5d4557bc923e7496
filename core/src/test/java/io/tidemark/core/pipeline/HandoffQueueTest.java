package io.tidemark.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class HandoffQueueTest {
  /** Items are their own size in bytes. */
  private static HandoffQueue<Integer> queue(int maxItems, long maxBytes) {
    return new HandoffQueue<>(maxItems, maxBytes, Integer::longValue);
  }

  private final ExecutorService putter =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "test-putter");
            t.setDaemon(true);
            return t;
          });

  @AfterEach
  void stopPutter() {
    putter.shutdownNow();
  }

  private CompletableFuture<Boolean> putAsync(HandoffQueue<Integer> q, int item) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return q.put(item);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
        },
        putter);
  }

  private static void assertStillBlocked(CompletableFuture<Boolean> put) throws Exception {
    try {
      put.get(150, TimeUnit.MILLISECONDS);
      throw new AssertionError("put returned " + put.getNow(null) + " while the queue was full");
    } catch (TimeoutException expected) {
      // still waiting for room
    }
  }

  @Test
  void putBlocksWhileFullByItemsUntilAnItemIsTaken() throws Exception {
    HandoffQueue<Integer> q = queue(2, 1_000);
    assertThat(q.put(1)).isTrue();
    assertThat(q.put(1)).isTrue();

    CompletableFuture<Boolean> third = putAsync(q, 3);
    assertStillBlocked(third);

    assertThat(q.poll(1, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(third.get(2, TimeUnit.SECONDS)).isTrue();
    assertThat(q.poll(1, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(q.poll(1, TimeUnit.SECONDS)).isEqualTo(3);
  }

  @Test
  void putBlocksWhileFullByBytesUntilEnoughIsTaken() throws Exception {
    HandoffQueue<Integer> q = queue(100, 10);
    assertThat(q.put(4)).isTrue();
    assertThat(q.put(4)).isTrue();

    CompletableFuture<Boolean> big = putAsync(q, 6); // 4 + 4 + 6 > 10
    assertStillBlocked(big);

    assertThat(q.poll(1, TimeUnit.SECONDS)).isEqualTo(4); // 4 + 6 = 10 fits
    assertThat(big.get(2, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void bytesAreReleasedWhenItemsAreTaken() throws Exception {
    HandoffQueue<Integer> q = queue(100, 10);
    for (int round = 0; round < 50; round++) {
      assertThat(q.put(10)).isTrue();
      assertThat(q.poll(1, TimeUnit.SECONDS)).isEqualTo(10);
    }
    assertThat(q.put(5)).isTrue();
    assertThat(q.put(5)).isTrue(); // would block if the 50 rounds had leaked bytes
  }

  @Test
  void itemLargerThanTheByteBoundIsAcceptedWhenEmpty() throws Exception {
    HandoffQueue<Integer> q = queue(10, 10);
    CompletableFuture<Boolean> huge = putAsync(q, 1_000);
    assertThat(huge.get(2, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<Boolean> next = putAsync(q, 1);
    assertStillBlocked(next);
    assertThat(q.poll(1, TimeUnit.SECONDS)).isEqualTo(1_000);
    assertThat(next.get(2, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void pollTimesOutWithNullWhenEmpty() throws Exception {
    HandoffQueue<Integer> q = queue(10, 100);
    long start = System.nanoTime();
    assertThat(q.poll(50, TimeUnit.MILLISECONDS)).isNull();
    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(40));
  }

  @Test
  void pollWakesUpWhenAnItemArrives() throws Exception {
    HandoffQueue<Integer> q = queue(10, 100);
    CompletableFuture<Integer> taken =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return q.poll(5, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(50);
    q.put(7);
    assertThat(taken.get(2, TimeUnit.SECONDS)).isEqualTo(7);
  }

  @Test
  void failureIsDeliveredAfterTheQueuedItems() throws Exception {
    HandoffQueue<Integer> q = queue(10, 100);
    q.put(1);
    q.put(2);
    TidemarkException failure = new TidemarkException(ErrorCode.SOURCE_UNAVAILABLE, "network down");
    q.fail(failure);

    assertThat(q.isDrained()).isFalse();
    assertThat(q.poll(1, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(q.poll(1, TimeUnit.SECONDS)).isEqualTo(2);
    assertThatThrownBy(() -> q.poll(1, TimeUnit.SECONDS)).isSameAs(failure);
    // and again: the failure does not get lost after the first report
    assertThatThrownBy(() -> q.poll(1, TimeUnit.SECONDS)).isSameAs(failure);
    assertThat(q.isDrained()).isFalse();
  }

  @Test
  void unexpectedFailureIsWrappedAsInternal() throws Exception {
    HandoffQueue<Integer> q = queue(10, 100);
    IllegalStateException bug = new IllegalStateException("boom");
    q.fail(bug);
    assertThatThrownBy(() -> q.poll(1, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(
            TidemarkException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
              assertThat(e.getCause()).isSameAs(bug);
              assertThat(e.getMessage())
                  .contains("reader thread failed unexpectedly")
                  .contains("boom");
            });
  }

  @Test
  void failureWakesAWaitingPoll() throws Exception {
    HandoffQueue<Integer> q = queue(10, 100);
    CompletableFuture<Integer> taken =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return q.poll(5, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(50);
    q.fail(new TidemarkException(ErrorCode.SOURCE_UNAVAILABLE, "gone"));
    assertThatThrownBy(() -> taken.get(2, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasRootCauseMessage("gone");
  }

  @Test
  void finishEndsTheQueueAfterTheQueuedItems() throws Exception {
    HandoffQueue<Integer> q = queue(10, 100);
    q.put(1);
    q.finish();
    assertThat(q.isDrained()).isFalse();
    assertThat(q.poll(1, TimeUnit.SECONDS)).isEqualTo(1);
    long start = System.nanoTime();
    assertThat(q.poll(5, TimeUnit.SECONDS)).isNull();
    assertThat(System.nanoTime() - start)
        .as("returns at once, not after the timeout")
        .isLessThan(TimeUnit.SECONDS.toNanos(1));
    assertThat(q.isDrained()).isTrue();
  }

  @Test
  void closeReleasesABlockedPutterWhichGetsFalse() throws Exception {
    HandoffQueue<Integer> q = queue(1, 100);
    assertThat(q.put(1)).isTrue();
    CompletableFuture<Boolean> blocked = putAsync(q, 2);
    assertStillBlocked(blocked);

    q.close();
    assertThat(blocked.get(2, TimeUnit.SECONDS)).isFalse();
    assertThat(q.put(3)).isFalse();
    assertThat(q.poll(10, TimeUnit.MILLISECONDS)).isNull();
  }
}
