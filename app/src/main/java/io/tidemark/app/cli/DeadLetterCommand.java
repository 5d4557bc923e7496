package io.tidemark.app.cli;

import io.tidemark.app.deadletter.DeadLetterReplay;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tidemark deadletter}: work with the documents that could not be stored. */
@Command(
    name = "deadletter",
    mixinStandardHelpOptions = true,
    description = "Work with the dead-letter table (documents a mapping could not store).",
    subcommands = {DeadLetterCommand.Replay.class})
final class DeadLetterCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code tidemark deadletter replay}. */
  @Command(
      name = "replay",
      mixinStandardHelpOptions = true,
      description = {
        "Retries dead letters with the current mapping, after you fixed it (e.g. widened a column"
            + " or set another type). Each document is read again from MongoDB, so its current"
            + " state is written; a document that fits now leaves the dead-letter table.",
        "Run it while the daemon is stopped: it takes the pipeline's writer lock."
      })
  static final class Replay implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Option(names = "--collection", paramLabel = "NAME", description = "Only this collection.")
    String collection;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      List<DeadLetterReplay.Outcome> outcomes = DeadLetterReplay.run(config.load(), collection);
      PrintWriter out = spec.commandLine().getOut();
      int failing = 0;
      for (DeadLetterReplay.Outcome o : outcomes) {
        out.printf(
            "%s: %d written, %d deleted (gone from MongoDB), %d still failing%n",
            o.collection(), o.written(), o.deleted(), o.stillFailing());
        o.reasons().forEach(r -> out.println("  still failing: " + r));
        failing += o.stillFailing();
      }
      out.flush();
      return failing == 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }
  }
}
