package io.tidemark.app;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tidemark.core.config.TidemarkConfig;
import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.sink.jdbc.write.JdbcChangeSink;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hot standby's wait ({@code standby: true}, {@code tidemark run --standby}): it tries the
 * pipeline's writer lock every {@link #RETRY}, and returns the writer's sink once it holds it. The
 * lock is PostgreSQL's advisory lock on the holder's session, freed the moment that session ends (a
 * process killed, a host whose connection the server drops), so the standby takes over within a
 * retry of that; it then resumes from the checkpoints the old writer committed. Other failures
 * (PostgreSQL down, a login refused) are retried the same way, and said once each.
 */
public final class Standby {
  private static final Logger LOG = LoggerFactory.getLogger(Standby.class);

  /** How often a standby tries the lock: the takeover's delay after the holder's end. */
  static final Duration RETRY = Duration.ofSeconds(1);

  /** 1 while this process waits as a standby, 0 once it writes. */
  static final String STANDBY_GAUGE = "tidemark.standby";

  private Standby() {}

  /** The standby was stopped (SIGTERM) before it took over: nothing to commit, a clean end. */
  public static final class StoppedWhileWaiting extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StoppedWhileWaiting() {
      super("stopped while waiting as a standby", null, false, false);
    }
  }

  static JdbcChangeSink awaitWriterLock(TidemarkConfig config, MeterRegistry registry) {
    AtomicInteger waiting = new AtomicInteger(1);
    Gauge.builder(STANDBY_GAUGE, waiting, AtomicInteger::get)
        .strongReference(true)
        .description("1 while this process waits for the writer lock as a hot standby, 0 after")
        .tag("pipeline", config.pipeline())
        .register(registry);
    String lastReason = null;
    long waitStarted = System.nanoTime();
    while (true) {
      try {
        JdbcChangeSink sink = JdbcChangeSink.openWriter(config.sink(), config.pipeline());
        waiting.set(0);
        LOG.info(
            "standby: took the writer lock after {} s of waiting; this process is the writer now",
            (System.nanoTime() - waitStarted) / 1_000_000_000L);
        return sink;
      } catch (TidemarkException e) {
        if (!e.retriable() && e.code() != ErrorCode.LOCK_HELD) {
          throw e;
        }
        String reason = e.code() + ": " + e.getMessage();
        if (!reason.equals(lastReason)) {
          LOG.info(
              "standby: waiting for the writer lock, trying every {} s ({})",
              RETRY.toSeconds(),
              e.getMessage());
          lastReason = reason;
        }
      }
      try {
        Thread.sleep(RETRY.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoppedWhileWaiting();
      }
    }
  }
}
