package io.tidemark.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tidemark.app.admin.AdminClient;
import io.tidemark.app.admin.StatusTable;
import io.tidemark.core.config.TidemarkConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tidemark status}: asks the running daemon how every collection is doing. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Asks the running daemon (its admin API at admin.bind:admin.port, with admin.token) for the"
          + " state of every collection and prints a table, or the JSON with --json.",
      "Exits 0, 1 when a collection has FAILED, 3 when no daemon answers."
    })
final class StatusCommand implements Callable<Integer> {
  @Mixin ConfigOption config;

  @Option(names = "--json", description = "Print the daemon's JSON answer instead of a table.")
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
      response = client.get("/status");
    } catch (IOException e) {
      err.println("tidemark: " + client.notRunningMessage(config.file.toString()));
      err.flush();
      return ExitCodes.UNAVAILABLE;
    }
    if (response.status() != 200) {
      err.println("tidemark: " + client.refusedMessage(config.file.toString(), response));
      err.flush();
      return response.status() == 401 ? ExitCodes.CONFIG : ExitCodes.FAILED;
    }
    JsonNode status = response.json();
    if (json) {
      out.println(
          new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(status));
    } else {
      out.print(StatusTable.render(status));
    }
    out.flush();
    for (JsonNode collection : status.path("collections")) {
      if ("FAILED".equals(collection.path("state").asText())) {
        return ExitCodes.FAILED;
      }
    }
    return ExitCodes.OK;
  }
}
