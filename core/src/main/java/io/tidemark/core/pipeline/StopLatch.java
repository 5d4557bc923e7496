package io.tidemark.core.pipeline;

import java.util.function.BooleanSupplier;

/**
 * A stop request as one attempt sees it: once any of the attempt's threads has seen it, every one
 * of them does, even if the request is withdrawn meanwhile (an operator's pause followed by a quick
 * resume). Without it a reader could stop while its writer carries on, or the other way round. The
 * next attempt takes a new latch and starts afresh.
 *
 * <p>Thread-safe.
 */
final class StopLatch implements BooleanSupplier {
  private final BooleanSupplier requested;
  private volatile boolean stopped;

  StopLatch(BooleanSupplier requested) {
    this.requested = requested;
  }

  /** True once a stop was requested at any call during this attempt. */
  @Override
  public boolean getAsBoolean() {
    if (!stopped && requested.getAsBoolean()) {
      stopped = true;
    }
    return stopped;
  }
}
