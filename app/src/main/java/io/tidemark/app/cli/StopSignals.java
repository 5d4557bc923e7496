package io.tidemark.app.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into a clean stop. Handling the signals ourselves, instead of a shutdown
 * hook, lets the main thread finish the stop and exit with 0: a JVM already shutting down would end
 * with the signal's status (143) instead.
 */
final class StopSignals {
  private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);

  private StopSignals() {}

  static void onStop(Runnable stop) {
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        Signal.handle(
            new Signal(name),
            signal -> {
              LOG.info("received SIG{}", signal.getName());
              new Thread(stop, "tidemark-stop").start();
            });
      } catch (IllegalArgumentException e) {
        // The platform does not deliver this signal to Java: fall back to a shutdown hook.
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "tidemark-shutdown"));
      }
    }
  }
}
