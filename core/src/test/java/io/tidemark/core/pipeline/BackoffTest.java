package io.tidemark.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.core.config.TidemarkConfig.RetryConfig;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final RetryConfig RETRY =
      new RetryConfig(Duration.ofMillis(100), Duration.ofSeconds(1), 2.0);

  /** The largest double below 1, so the delay is the full ceiling. */
  private static final double ALMOST_ONE = Math.nextDown(1.0);

  @Test
  void fullJitterReachesTheCeilingWhichGrowsExponentially() {
    Backoff backoff = new Backoff(RETRY, () -> ALMOST_ONE);
    assertThat(backoff.delayFor(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(backoff.delayFor(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(backoff.delayFor(3)).isEqualTo(Duration.ofMillis(400));
    assertThat(backoff.delayFor(4)).isEqualTo(Duration.ofMillis(800));
  }

  @Test
  void ceilingIsCappedAtMax() {
    Backoff backoff = new Backoff(RETRY, () -> ALMOST_ONE);
    assertThat(backoff.delayFor(5)).isEqualTo(Duration.ofSeconds(1));
    assertThat(backoff.delayFor(30)).isEqualTo(Duration.ofSeconds(1));
    assertThat(backoff.delayFor(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void zeroRandomGivesHalfTheCeiling() {
    Backoff backoff = new Backoff(RETRY, () -> 0.0);
    assertThat(backoff.delayFor(1)).isEqualTo(Duration.ofMillis(50));
    assertThat(backoff.delayFor(3)).isEqualTo(Duration.ofMillis(200));
    assertThat(backoff.delayFor(10)).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void attemptBelowOneCountsAsTheFirst() {
    Backoff backoff = new Backoff(RETRY, () -> ALMOST_ONE);
    assertThat(backoff.delayFor(0)).isEqualTo(Duration.ofMillis(100));
    assertThat(backoff.delayFor(-3)).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void jitterStaysWithinHalfAndFullCeiling() {
    Random random = new Random(42);
    Backoff backoff = new Backoff(RETRY, random::nextDouble);
    for (int attempt = 1; attempt <= 12; attempt++) {
      long ceiling = Math.min(100L << (attempt - 1), 1000L);
      for (int i = 0; i < 200; i++) {
        long delay = backoff.delayFor(attempt).toMillis();
        assertThat(delay).as("attempt %d", attempt).isBetween(ceiling / 2, ceiling);
      }
    }
  }

  @Test
  void neverZero() {
    Backoff backoff = new Backoff(new RetryConfig(Duration.ZERO, Duration.ZERO, 2.0), () -> 0.0);
    assertThat(backoff.delayFor(1)).isEqualTo(Duration.ofMillis(1));
  }

  @Test
  void fractionalMultiplierGrowsSlowly() {
    Backoff backoff =
        new Backoff(
            new RetryConfig(Duration.ofMillis(1000), Duration.ofMinutes(1), 1.5), () -> ALMOST_ONE);
    assertThat(backoff.delayFor(2)).isEqualTo(Duration.ofMillis(1500));
    assertThat(backoff.delayFor(3)).isEqualTo(Duration.ofMillis(2250));
  }
}
