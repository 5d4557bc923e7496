package io.tidemark.app.cli;

import io.tidemark.app.Daemon;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code tidemark run}: the daemon, until SIGTERM or Ctrl-C. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the pipeline until stopped: copies collections that have no finished copy, then"
          + " streams their changes.",
      "SIGTERM or Ctrl-C commits what is complete and exits 0."
    })
final class RunCommand implements Callable<Integer> {
  @Mixin ConfigOption config;

  @Override
  public Integer call() throws Exception {
    try (Daemon daemon = Daemon.start(config.load())) {
      StopSignals.onStop(daemon::close);
      return daemon.awaitTermination() ? ExitCodes.OK : ExitCodes.FAILED;
    }
  }
}
