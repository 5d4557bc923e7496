package io.tidemark.core.pipeline;

import io.tidemark.core.config.TidemarkConfig;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.spi.ChangeSink;
import io.tidemark.core.spi.CollectionSource;
import java.util.function.BooleanSupplier;

/** What the phases of one collection share: its mapping, both ends, settings and live status. */
record PipelineContext(
    TableMapping mapping,
    CollectionSource source,
    ChangeSink sink,
    TidemarkConfig config,
    PipelineMetrics metrics,
    StatusBoard status,
    RowChanges rowChanges,
    PhaseListener listener,
    BooleanSupplier stopRequested) {

  String collection() {
    return mapping.collection();
  }

  boolean stopping() {
    return stopRequested.getAsBoolean();
  }

  /** Starts a named daemon thread for a reader, so a stuck read never keeps the JVM alive. */
  Thread startReader(String role, Runnable body) {
    Thread t = new Thread(body, "tidemark-" + role + "-" + collection());
    t.setDaemon(true);
    t.start();
    return t;
  }
}
