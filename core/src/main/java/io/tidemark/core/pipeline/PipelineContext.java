package io.tidemark.core.pipeline;

import io.tidemark.core.config.TidemarkConfig;
import io.tidemark.core.logging.LogContext;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.spi.ChangeSink;
import io.tidemark.core.spi.CollectionSource;
import java.util.function.BooleanSupplier;

/**
 * What the phases of one collection's work share: its mapping, both ends, the table they write
 * (live, or a rebuild's shadow), settings, status, the stop signal, and how often a commit that is
 * still running is reported.
 */
record PipelineContext(
    TableMapping mapping,
    CollectionSource source,
    ChangeSink sink,
    ChangeSink.Target target,
    TidemarkConfig config,
    PipelineMetrics metrics,
    StatusBoard status,
    RowChanges rowChanges,
    PhaseListener listener,
    BooleanSupplier stopRequested,
    PipelineTimings timings) {

  String collection() {
    return mapping.collection();
  }

  /** The table this context writes: the live table or the rebuild's shadow table. */
  String table() {
    return target == ChangeSink.Target.SHADOW ? mapping.shadowTable() : mapping.table();
  }

  boolean stopping() {
    return stopRequested.getAsBoolean();
  }

  /** Returns a context for the same collection writing another target with its own status. */
  PipelineContext forTarget(
      ChangeSink.Target other,
      StatusBoard otherStatus,
      PhaseListener otherListener,
      BooleanSupplier otherStop) {
    return new PipelineContext(
        mapping,
        source,
        sink,
        other,
        config,
        metrics,
        otherStatus,
        rowChanges,
        otherListener,
        otherStop,
        timings);
  }

  /** Sets this collection's {@link LogContext} on the calling thread until the scope closes. */
  LogContext.Scope logContext() {
    return LogContext.open(config.pipeline(), collection());
  }

  /** The body run in this collection's {@link LogContext}, for a thread of its own. */
  Runnable inLogContext(Runnable body) {
    return () -> {
      try (LogContext.Scope scope = logContext()) {
        body.run();
      }
    };
  }

  /** Starts a named daemon thread for a reader, so a stuck read never keeps the JVM alive. */
  Thread startReader(String role, Runnable body) {
    String suffix = target == ChangeSink.Target.SHADOW ? "-rebuild" : "";
    Thread t = new Thread(inLogContext(body), "tidemark-" + role + "-" + collection() + suffix);
    t.setDaemon(true);
    t.start();
    return t;
  }
}
