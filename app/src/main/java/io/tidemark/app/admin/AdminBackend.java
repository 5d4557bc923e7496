package io.tidemark.app.admin;

import io.tidemark.core.pipeline.CollectionStatus;
import java.util.List;
import java.util.Optional;

/**
 * What the admin API needs from a running daemon. {@code io.tidemark.app.DaemonAdminBackend} adapts
 * the real {@code io.tidemark.app.Daemon}; tests use a hand-written fake, so the HTTP side needs no
 * database.
 *
 * <p>Threading: every method is called on the admin server's request threads, concurrently with the
 * pipeline's own threads, and must be safe for that.
 */
public interface AdminBackend {

  /** The pipeline's name, as configured. */
  String pipeline();

  /** What this process does for the pipeline. */
  enum Role {
    /** Holds the writer lock and writes. */
    WRITER,
    /** Connected and waiting for the writer lock, to take over when its holder ends. */
    STANDBY
  }

  /** This process's role; a daemon that runs its pipeline is the writer. */
  default Role role() {
    return Role.WRITER;
  }

  /** A picture of every configured collection, in configuration order. */
  List<CollectionStatus> status();

  /** The meters in the Prometheus text exposition format 0.0.4. */
  String scrapeMetrics();

  /** The controls of one configured collection, or empty when none has this name. */
  Optional<CollectionControl> collection(String name);

  /** The operator's levers on one collection. Each call returns at once; the work is async. */
  interface CollectionControl {
    CollectionStatus status();

    /** Commits what is complete and stops reading until {@link #resume()}. */
    void pause();

    void resume();

    /**
     * Starts a rebuild into a shadow table, swapped in when complete.
     *
     * @return false when a rebuild is already running
     */
    boolean requestResnapshot();
  }
}
