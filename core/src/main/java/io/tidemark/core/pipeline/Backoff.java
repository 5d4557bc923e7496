package io.tidemark.core.pipeline;

import io.tidemark.core.config.TidemarkConfig.RetryConfig;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter, capped: the n-th retry waits a random time between half and all
 * of {@code min(initial * multiplier^(n-1), max)}. The jitter keeps many collections (or many
 * daemons) from reconnecting in lockstep after a shared outage.
 */
public final class Backoff {
  private final Duration initial;
  private final Duration max;
  private final double multiplier;
  private final DoubleSupplier random;

  public Backoff(RetryConfig config) {
    this(config, () -> ThreadLocalRandom.current().nextDouble());
  }

  /** For tests: {@code random} returns values in [0, 1). */
  public Backoff(RetryConfig config, DoubleSupplier random) {
    this.initial = config.initialDelay();
    this.max = config.maxDelay();
    this.multiplier = config.multiplier();
    this.random = random;
  }

  /**
   * @param attempt 1 for the first retry
   */
  public Duration delayFor(int attempt) {
    double ceiling = initial.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
    double capped = Math.min(ceiling, max.toMillis());
    double jittered = capped / 2 + random.getAsDouble() * capped / 2;
    return Duration.ofMillis(Math.max(1, Math.round(jittered)));
  }
}
