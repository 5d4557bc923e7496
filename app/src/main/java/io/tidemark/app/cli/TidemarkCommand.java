package io.tidemark.app.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.tidemark.core.error.TidemarkException;
import java.io.PrintWriter;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code tidemark} command line. Errors print one paragraph; stack traces only with --debug.
 */
@Command(
    name = "tidemark",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Keeps PostgreSQL tables continuously in sync with MongoDB collections.",
    subcommands = {
      RunCommand.class,
      ValidateCommand.class,
      DemoCommand.class,
      StatusCommand.class,
      ResnapshotCommand.class,
      VerifyCommand.class,
      DeadLetterCommand.class,
      BenchCommand.class
    },
    footer = {
      "",
      "Exit codes: 0 ok, 1 failed, 2 configuration or usage error, 3 database unreachable or"
          + " login refused, 4 writer lock held by another process, 5 verify found differences."
    })
public final class TidemarkCommand implements Runnable {

  @Option(
      names = "--debug",
      scope = CommandLine.ScopeType.INHERIT,
      description = "Log at DEBUG and print stack traces with errors.")
  void debug(boolean on) {
    debug = on;
    if (on) {
      ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.DEBUG);
    }
  }

  private boolean debug;

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** Runs the command line and returns the process exit code. */
  public static int execute(String... args) {
    TidemarkCommand root = new TidemarkCommand();
    CommandLine cli = new CommandLine(root);
    cli.setExecutionExceptionHandler((e, commandLine, parsed) -> root.handle(e, commandLine));
    return cli.execute(args);
  }

  private int handle(Exception e, CommandLine cli) {
    PrintWriter err = cli.getErr();
    if (e instanceof TidemarkException te) {
      err.println("tidemark: " + te.getMessage());
      if (debug) {
        e.printStackTrace(err);
      }
      err.flush();
      return ExitCodes.of(te);
    }
    err.println(
        "tidemark: unexpected error: "
            + e
            + (debug ? "" : " (run with --debug for the stack trace, and report it as a bug)"));
    if (debug) {
      e.printStackTrace(err);
    }
    err.flush();
    return ExitCodes.FAILED;
  }
}
