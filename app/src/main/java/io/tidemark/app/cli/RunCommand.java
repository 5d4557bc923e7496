package io.tidemark.app.cli;

import io.tidemark.app.Daemon;
import io.tidemark.app.Standby;
import io.tidemark.core.config.TidemarkConfig;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tidemark run}: the daemon, until SIGTERM or Ctrl-C. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the pipeline until stopped: copies collections that have no finished copy, then"
          + " streams their changes.",
      "SIGTERM or Ctrl-C commits what is complete and exits 0.",
      "With --standby it waits for the writer lock and takes over when its holder ends."
    })
final class RunCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
  @Mixin ConfigOption config;

  @Option(
      names = "--standby",
      description =
          "Start as a hot standby (as 'standby: true' in the file): wait for the writer lock"
              + " instead of exiting 4, and take over when its holder ends.")
  boolean standby;

  @Override
  public Integer call() throws Exception {
    TidemarkConfig loaded = config.load();
    if (standby) {
      loaded = loaded.withStandby(true);
    }
    if (loaded.standby()) {
      // Until it writes, a stop ends the wait: there is nothing to commit.
      Thread main = Thread.currentThread();
      StopSignals.onStop(main::interrupt);
    }
    Daemon started;
    try {
      started = Daemon.start(loaded);
    } catch (Standby.StoppedWhileWaiting e) {
      LOG.info("stopped while waiting as a standby; nothing to commit");
      return ExitCodes.OK;
    }
    try (Daemon daemon = started) {
      StopSignals.onStop(daemon::close);
      if (loaded.standby() && Thread.interrupted()) {
        // A stop that arrived while the standby was taking over: honour it now, cleanly.
        LOG.info("stopped while taking over as the writer");
        daemon.close();
      }
      return daemon.awaitTermination() ? ExitCodes.OK : ExitCodes.FAILED;
    }
  }
}
