package io.tidemark.app;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tidemark.app.admin.AdminBackend;
import io.tidemark.core.pipeline.CollectionStatus;
import java.util.List;
import java.util.Optional;

/**
 * The admin API of a process that may be a standby: while it waits for the writer lock it answers
 * as a standby (no collections, role {@code STANDBY}); once it holds the lock and its daemon runs,
 * it answers as that daemon. The admin server starts once, before the wait, so probes and metrics
 * reach a standby on the same port as the writer it replaces.
 */
final class StandbyAdminBackend implements AdminBackend {
  private final String pipeline;
  private final MeterRegistry registry;
  private volatile AdminBackend writer; // null while waiting

  StandbyAdminBackend(String pipeline, MeterRegistry registry) {
    this.pipeline = pipeline;
    this.registry = registry;
  }

  /** The lock is held and the daemon runs: answer as it from now on. */
  void becomeWriter(AdminBackend daemon) {
    this.writer = daemon;
  }

  @Override
  public String pipeline() {
    return pipeline;
  }

  @Override
  public Role role() {
    AdminBackend w = writer;
    return w == null ? Role.STANDBY : w.role();
  }

  @Override
  public List<CollectionStatus> status() {
    AdminBackend w = writer;
    return w == null ? List.of() : w.status();
  }

  @Override
  public String scrapeMetrics() {
    AdminBackend w = writer;
    if (w != null) {
      return w.scrapeMetrics();
    }
    return registry instanceof PrometheusMeterRegistry prometheus ? prometheus.scrape() : "";
  }

  @Override
  public Optional<CollectionControl> collection(String name) {
    AdminBackend w = writer;
    return w == null ? Optional.empty() : w.collection(name);
  }
}
