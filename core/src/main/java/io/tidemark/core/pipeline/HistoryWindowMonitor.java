package io.tidemark.core.pipeline;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tidemark.core.position.HistoryWindow;
import io.tidemark.core.spi.ChangeSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches how close each collection's committed position is to falling out of the source's history
 * (the oplog), and warns — in the log and as a metric — while there is still time to act: when a
 * checkpoint is within 20% of the window from its start.
 */
final class HistoryWindowMonitor {
  private static final Logger LOG = LoggerFactory.getLogger(HistoryWindowMonitor.class);
  static final String WINDOW = "tidemark.oplog.window.seconds";
  static final String HEADROOM = "tidemark.oplog.headroom.seconds";

  /** Warn when the headroom is below this share of the window. */
  static final double WARN_SHARE = 0.2;

  private final ChangeSource source;
  private final Supplier<List<CollectionStatus>> statuses;
  private final AtomicLong windowSeconds = new AtomicLong(-1);
  private final Map<String, AtomicLong> headroom = new ConcurrentHashMap<>();
  private final Map<String, Boolean> warned = new ConcurrentHashMap<>();
  private volatile boolean unavailableLogged;

  HistoryWindowMonitor(
      ChangeSource source,
      List<String> collections,
      Supplier<List<CollectionStatus>> statuses,
      MeterRegistry registry) {
    this.source = source;
    this.statuses = statuses;
    Gauge.builder(WINDOW, windowSeconds, AtomicLong::get)
        .description("Seconds of source history (oplog) a stream can resume from; -1 when unknown")
        .register(registry);
    for (String collection : collections) {
      AtomicLong value = new AtomicLong(-1);
      headroom.put(collection, value);
      Gauge.builder(HEADROOM, value, AtomicLong::get)
          .tag("collection", collection)
          .description(
              "Seconds before the collection's checkpoint falls out of the oplog; -1 when unknown")
          .register(registry);
    }
  }

  /** One check; called periodically by the engine. Never throws. */
  void check() {
    Optional<HistoryWindow> window;
    try {
      window = source.historyWindow();
    } catch (RuntimeException e) {
      window = Optional.empty();
    }
    if (window.isEmpty()) {
      if (!unavailableLogged) {
        unavailableLogged = true;
        LOG.info(
            "the source's oplog window cannot be read (needs read access to local.oplog.rs on a"
                + " replica-set member); oplog headroom is not monitored");
      }
      return;
    }
    HistoryWindow w = window.get();
    windowSeconds.set(w.seconds());
    for (CollectionStatus status : statuses.get()) {
      if (status.position() == null) {
        continue;
      }
      long seconds = status.position().clusterTime().seconds() - w.oldest().seconds();
      headroom.get(status.collection()).set(seconds);
      boolean low = seconds < WARN_SHARE * w.seconds();
      if (low && warned.put(status.collection(), Boolean.TRUE) == null) {
        LOG.warn(
            "{}: the checkpoint is {} s from falling out of the oplog (window {} s); if the"
                + " collection cannot catch up, it will need a rebuild. Grow the oplog"
                + " (replSetResizeOplog) or fix what holds the collection back.",
            status.collection(),
            Math.max(0, seconds),
            w.seconds());
      } else if (!low) {
        warned.remove(status.collection());
      }
    }
  }
}
