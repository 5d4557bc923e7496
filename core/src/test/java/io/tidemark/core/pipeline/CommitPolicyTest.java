package io.tidemark.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.core.pipeline.CommitPolicy.Trigger;
import io.tidemark.core.pipeline.CommitPolicy.Waiting;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CommitPolicyTest {
  private static final CommitPolicy POLICY = new CommitPolicy(100, 1_000, ms(50), ms(5_000));

  private static long ms(long millis) {
    return TimeUnit.MILLISECONDS.toNanos(millis);
  }

  /** A busy stream: events wait, the source has more, nothing is large or old yet. */
  private static Waiting busy(int events, long bytes, long oldestMillis) {
    return new Waiting(events, bytes, ms(oldestMillis), true, 0, false);
  }

  private static Waiting idle(boolean positionMoved, long sinceLastCommitMillis) {
    return new Waiting(0, 0, 0, positionMoved, ms(sinceLastCommitMillis), true);
  }

  @Test
  void aSmallYoungBatchWaitsWhileTheSourceHasMore() {
    assertThat(POLICY.decide(busy(99, 999, 49))).isEqualTo(Trigger.NOT_YET);
  }

  @Test
  void eachLimitCommitsOnItsOwnFromExactlyItsValue() {
    assertThat(POLICY.decide(busy(100, 1, 0))).isEqualTo(Trigger.BATCH_SIZE);
    assertThat(POLICY.decide(busy(1, 1_000, 0))).isEqualTo(Trigger.BATCH_BYTES);
    assertThat(POLICY.decide(busy(1, 1, 50))).isEqualTo(Trigger.BATCH_DELAY);
  }

  @Test
  void aQuietSourceCommitsWhatWaitsAtOnce() {
    Waiting one = new Waiting(1, 10, 0, true, 0, true);
    assertThat(POLICY.decide(one)).isEqualTo(Trigger.SOURCE_QUIET);
  }

  @Test
  void withoutEventsAMovedPositionIsSavedOnlyEveryIdleInterval() {
    assertThat(POLICY.decide(idle(true, 4_999))).isEqualTo(Trigger.NOT_YET);
    assertThat(POLICY.decide(idle(true, 5_000))).isEqualTo(Trigger.IDLE_CHECKPOINT);
  }

  @Test
  void theStreamsSettingsBecomeThePolicysLimits() {
    var stream =
        new io.tidemark.core.config.TidemarkConfig.StreamConfig(
            2000,
            16L << 20,
            java.time.Duration.ofMillis(200),
            java.time.Duration.ofSeconds(5),
            1,
            1);
    assertThat(CommitPolicy.of(stream))
        .isEqualTo(new CommitPolicy(2000, 16L << 20, ms(200), ms(5_000)));
  }

  @Test
  void aPositionThatDidNotMoveIsNeverSavedAgain() {
    assertThat(POLICY.decide(idle(false, 60_000))).isEqualTo(Trigger.NOT_YET);
    assertThat(Trigger.NOT_YET.commits()).isFalse();
    assertThat(Trigger.IDLE_CHECKPOINT.commits()).isTrue();
  }

  @Test
  void noEventsNeverCommitForSizeOrAgeWhateverTheOtherFieldsSay() {
    // With no events the age field is meaningless (TransactionBuffer#oldestReadyNanos).
    Waiting stale = new Waiting(0, 0, ms(3_600_000), false, 0, false);
    assertThat(POLICY.decide(stale)).isEqualTo(Trigger.NOT_YET);
  }
}
