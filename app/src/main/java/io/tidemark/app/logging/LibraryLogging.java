package io.tidemark.app.logging;

import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Routes {@code java.util.logging} (pgjdbc logs there) into SLF4J, so that every library's lines
 * reach the daemon's one log format and level settings instead of the JDK's console handler, which
 * prints its own two-line format with stack traces.
 */
public final class LibraryLogging {
  private LibraryLogging() {}

  /** Idempotent; call once at start, before any library logs. */
  public static synchronized void install() {
    if (!SLF4JBridgeHandler.isInstalled()) {
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
  }
}
