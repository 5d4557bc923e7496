package io.tidemark.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tidemark.app.admin.AdminClient;
import io.tidemark.app.verify.Verifier;
import io.tidemark.app.verify.VerifyOptions;
import io.tidemark.app.verify.VerifyReport;
import io.tidemark.app.verify.VerifyReportWriter;
import io.tidemark.core.config.TidemarkConfig;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tidemark verify}: compares tables with their collections, and repairs them on request. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Compares every configured collection with its table: counts, then hashes of the rows in"
          + " buckets of keys, then the keys of the buckets that differ. Memory stays bounded"
          + " whatever the size of the collection. Prints a line per collection, the differing"
          + " keys (missing in table, extra in table, different) and a verdict.",
      "With --repair, re-copies just the differing keys through the normal sink path at each"
          + " collection's committed position (the checkpoint does not move). Stop the daemon"
          + " first: --repair refuses to run while a daemon answers at the admin address or holds"
          + " the pipeline's writer lock.",
      "Exits 0 when every table matches (or was repaired), 4 when a daemon is running with"
          + " --repair, 5 when differences remain."
    })
final class VerifyCommand implements Callable<Integer> {
  @Mixin ConfigOption config;

  @Option(names = "--collection", paramLabel = "NAME", description = "Verify only this collection.")
  String collection;

  @Option(
      names = "--repair",
      description = "Re-copy the differing keys (only while no daemon runs).")
  boolean repair;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Option(
      names = "--show",
      paramLabel = "N",
      defaultValue = "" + VerifyOptions.DEFAULT_MAX_EXAMPLES,
      description = "Differing keys to print per collection (default ${DEFAULT-VALUE}).")
  int show;

  @Option(
      names = "--max-keys-in-memory",
      paramLabel = "N",
      defaultValue = "" + VerifyOptions.DEFAULT_MAX_KEYS_IN_MEMORY,
      description =
          "Most keys per side held at once while looking into differing buckets; more"
              + " differences take more passes (default ${DEFAULT-VALUE}).")
  int maxKeysInMemory;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    TidemarkConfig c = config.load();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (show < 0 || maxKeysInMemory < 1) {
      err.println("tidemark: --show must be 0 or more and --max-keys-in-memory 1 or more.");
      err.flush();
      return ExitCodes.CONFIG;
    }
    if (repair) {
      Integer refused = refuseWhileDaemonRuns(c, err);
      if (refused != null) {
        return refused;
      }
    }
    VerifyReport report =
        new Verifier(c, new VerifyOptions(collection, repair, show, maxKeysInMemory)).run();
    if (json) {
      out.println(
          new ObjectMapper()
              .enable(SerializationFeature.INDENT_OUTPUT)
              .writeValueAsString(VerifyReportWriter.json(report)));
    } else {
      out.print(VerifyReportWriter.text(report));
    }
    out.flush();
    return report.clean() ? ExitCodes.OK : ExitCodes.DIFFERENCES;
  }

  /**
   * An exit code when a daemon answers at the configured admin address, else null. Without a fixed
   * admin port there is nothing to ask; the writer lock the repair takes still refuses a running
   * daemon.
   */
  private Integer refuseWhileDaemonRuns(TidemarkConfig c, PrintWriter err)
      throws InterruptedException {
    if (!c.admin().enabled() || c.admin().port() == 0) {
      return null;
    }
    AdminClient client = AdminClient.forConfig(c.admin(), config.file.toString());
    if (client.answers()) {
      err.println(
          "tidemark: a Tidemark daemon answers at "
              + client.baseUri()
              + " (admin.port in "
              + config.file
              + "): stop the daemon first. --repair writes to the tables and must not race the"
              + " daemon's writes; verify without --repair may run beside it.");
      err.flush();
      return ExitCodes.LOCKED;
    }
    return null;
  }
}
