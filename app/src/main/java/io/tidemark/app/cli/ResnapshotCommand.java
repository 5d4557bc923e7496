package io.tidemark.app.cli;

import io.tidemark.app.admin.AdminClient;
import io.tidemark.core.config.TidemarkConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tidemark resnapshot NAME}: asks the running daemon to rebuild one collection's table. */
@Command(
    name = "resnapshot",
    mixinStandardHelpOptions = true,
    description = {
      "Asks the running daemon to rebuild one collection's table from a fresh copy. The copy goes"
          + " into a shadow table while the live table stays readable and keeps streaming; the"
          + " shadow replaces it in one transaction once it has caught up.",
      "Exits 0 when the rebuild started, 1 when one is already running, 2 for an unknown"
          + " collection, 3 when no daemon answers."
    })
final class ResnapshotCommand implements Callable<Integer> {
  @Mixin ConfigOption config;

  @Parameters(index = "0", paramLabel = "COLLECTION", description = "The collection to rebuild.")
  String collection;

  @Option(names = "--json", description = "Print the daemon's JSON answer.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    TidemarkConfig c = config.load();
    AdminClient client = AdminClient.forConfig(c.admin(), config.file.toString());
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    AdminClient.Response response;
    try {
      response = client.post(AdminClient.collectionPath(collection, "resnapshot"));
    } catch (IOException e) {
      err.println("tidemark: " + client.notRunningMessage(config.file.toString()));
      err.flush();
      return ExitCodes.UNAVAILABLE;
    }
    if (json) {
      out.println(response.body().strip());
      out.flush();
    }
    switch (response.status()) {
      case 202:
        if (!json) {
          out.println(
              "Rebuild of '"
                  + collection
                  + "' started: it is copied into a shadow table while the live table stays"
                  + " readable, and swapped in when it has caught up. Follow it with 'tidemark"
                  + " status --config "
                  + config.file
                  + "'.");
          out.flush();
        }
        return ExitCodes.OK;
      case 409:
        err.println("tidemark: " + response.error());
        err.flush();
        return ExitCodes.FAILED;
      case 404:
        err.println("tidemark: " + response.error());
        err.flush();
        return ExitCodes.CONFIG;
      case 401:
        err.println("tidemark: " + client.refusedMessage(config.file.toString(), response));
        err.flush();
        return ExitCodes.CONFIG;
      default:
        err.println("tidemark: " + client.refusedMessage(config.file.toString(), response));
        err.flush();
        return ExitCodes.FAILED;
    }
  }
}
