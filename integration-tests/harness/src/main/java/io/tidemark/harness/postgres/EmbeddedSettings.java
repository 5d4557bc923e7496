package io.tidemark.harness.postgres;

import java.nio.file.Path;

/**
 * How an embedded PostgreSQL starts.
 *
 * @param durableCommits {@code fsync} and {@code synchronous_commit} on, as a server has them by
 *     default; the embedded library turns both off to speed tests up, which would flatter every
 *     path that commits often
 * @param dataDirectory the cluster's directory, kept when the server stops (so a caller can start
 *     the same cluster again); null for a temporary one
 */
public record EmbeddedSettings(boolean durableCommits, Path dataDirectory) {

  /** Fast commits, a temporary directory: what tests and the demo need. */
  public static final EmbeddedSettings DEFAULT = new EmbeddedSettings(false, null);

  /** The server's own durability, as a benchmark must measure. */
  public static EmbeddedSettings durable() {
    return new EmbeddedSettings(true, null);
  }

  /** A cluster kept in {@code dataDirectory}. */
  public static EmbeddedSettings keptIn(Path dataDirectory) {
    return new EmbeddedSettings(false, dataDirectory);
  }
}
