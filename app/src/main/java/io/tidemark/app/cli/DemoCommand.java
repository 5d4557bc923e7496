package io.tidemark.app.cli;

import io.tidemark.app.demo.Demo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tidemark demo}: the whole pipeline on embedded servers, checked at the end. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Starts an embedded MongoDB stand-in and an embedded PostgreSQL, seeds documents, runs the"
          + " real pipeline while writes continue, then checks every table equals its collection.",
      "Needs no server and no Docker. Exits 0 when the tables match, 5 when they do not."
    })
final class DemoCommand implements Callable<Integer> {
  @Option(
      names = "--documents",
      defaultValue = "5000",
      description = "Orders to seed (default ${DEFAULT-VALUE}).")
  int documents;

  @Option(
      names = "--seconds",
      defaultValue = "10",
      description = "How long writes continue while streaming (default ${DEFAULT-VALUE}).")
  int seconds;

  @Option(
      names = "--writes-per-second",
      defaultValue = "300",
      description = "Write rate during streaming (default ${DEFAULT-VALUE}).")
  int writesPerSecond;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    boolean matched =
        new Demo(documents, seconds, writesPerSecond, spec.commandLine().getOut()).run();
    return matched ? ExitCodes.OK : ExitCodes.DIFFERENCES;
  }
}
