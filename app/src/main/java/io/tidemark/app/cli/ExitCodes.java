package io.tidemark.app.cli;

import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;

/** Process exit codes, documented in README.md and docs/operations.md. */
public final class ExitCodes {
  public static final int OK = 0;

  /** A collection failed or the run ended with an error. */
  public static final int FAILED = 1;

  /** The configuration or the command line is wrong. */
  public static final int CONFIG = 2;

  /**
   * MongoDB or PostgreSQL could not be reached, refused the login, or held the work off with other
   * sessions' locks: any error the engine would retry ({@link ErrorCode#retriable()}), so running
   * the command again later may succeed.
   */
  public static final int UNAVAILABLE = 3;

  /** Another Tidemark process holds the pipeline's writer lock. */
  public static final int LOCKED = 4;

  /** verify found differences. */
  public static final int DIFFERENCES = 5;

  private ExitCodes() {}

  /** SQLSTATE class 28 (invalid authorization) and MongoDB's AuthenticationFailed. */
  private static boolean isLoginRefused(String databaseCode) {
    return databaseCode != null && (databaseCode.startsWith("28") || databaseCode.equals("18"));
  }

  static int of(TidemarkException e) {
    // A retriable error (unreachable, a lock conflict such as SINK_CONFLICT) is what a service
    // manager should restart on and a script should wait out: the same code for all of them.
    if (isLoginRefused(e.databaseCode()) || e.retriable()) {
      return UNAVAILABLE;
    }
    switch (e.code()) {
      case CONFIG_INVALID:
        return CONFIG;
      case LOCK_HELD:
        return LOCKED;
      default:
        return FAILED;
    }
  }
}
