package io.tidemark.app.cli;

import io.tidemark.core.config.TidemarkConfig;
import io.tidemark.core.mapping.TableMapping;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tidemark validate}: checks the configuration without connecting anywhere. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = "Checks the configuration file and prints the tables it maps to.")
final class ValidateCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    TidemarkConfig c = config.load();
    var out = spec.commandLine().getOut();
    out.println(
        config.file
            + ": valid. Pipeline '"
            + c.pipeline()
            + "', "
            + c.collections().size()
            + " collection(s):");
    for (TableMapping m : c.collections()) {
      StringBuilder cols = new StringBuilder();
      for (TableMapping.TableColumn col : m.tableColumns()) {
        cols.append(cols.length() == 0 ? "" : ", ")
            .append(col.name())
            .append(' ')
            .append(col.type().ddl());
      }
      out.println(
          "  "
              + m.collection()
              + " -> "
              + c.sink().schema()
              + "."
              + m.table()
              + " ("
              + cols
              + "), onError "
              + m.onError().name().toLowerCase(java.util.Locale.ROOT));
    }
    out.flush();
    return ExitCodes.OK;
  }
}
