package io.tidemark.app.cli;

import io.tidemark.app.validate.MappingSample;
import io.tidemark.app.validate.MappingSampler;
import io.tidemark.core.config.TidemarkConfig;
import io.tidemark.core.mapping.OnError;
import io.tidemark.core.mapping.TableMapping;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tidemark validate}: checks the configuration without connecting anywhere; with {@code
 * --sample N}, also maps N documents of each collection to show what the pipeline would refuse.
 */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Checks the configuration file and prints the tables it maps to.",
      "With --sample N, also reads up to N random documents of every configured collection from"
          + " MongoDB (nothing is written anywhere), prints the DDL Tidemark would run for each"
          + " table, and lists each configured field whose sampled values do not fit its column,"
          + " with counts and the first reasons, and warns about a configured collection that"
          + " does not exist yet (the daemon waits for it). Exits 0 when every sampled document"
          + " fits, 1 when some would be refused."
    })
final class ValidateCommand implements Callable<Integer> {
  @Mixin ConfigOption config;

  @Option(
      names = "--sample",
      paramLabel = "N",
      description = "Map up to N random documents of each collection (reads MongoDB).")
  Integer sample;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    TidemarkConfig c = config.load();
    PrintWriter out = spec.commandLine().getOut();
    if (sample != null && sample < 1) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("tidemark: --sample must be 1 or more, not " + sample + ".");
      err.flush();
      return ExitCodes.CONFIG;
    }
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
              + onError(m.onError()));
    }
    out.flush();
    if (sample == null) {
      return ExitCodes.OK;
    }
    MappingSampler.Result result = MappingSampler.sample(c, sample);
    List<MappingSample> samples = result.samples();
    out.println();
    out.println(
        "Sampled up to "
            + sample
            + " document(s) of each collection in MongoDB database '"
            + c.source().database()
            + "':");
    for (String missing : result.missing()) {
      out.println();
      out.println(
          "warning: collection "
              + missing
              + " does not exist in database '"
              + c.source().database()
              + "' (existing: "
              + (result.existing().isEmpty() ? "none" : String.join(", ", result.existing()))
              + "). The daemon starts anyway: "
              + missing
              + " waits (state WAITING) and is copied and streamed once MongoDB creates it on its"
              + " first insert, without missing its first documents. If it is not expected to"
              + " appear, check collections[].name and source.database.");
    }
    int refused = 0;
    for (MappingSample s : samples) {
      print(out, s);
      refused += s.refused();
    }
    out.println();
    out.println(
        refused == 0
            ? "verdict: every sampled document fits its table."
            : "verdict: "
                + refused
                + " sampled document(s) would be refused; change the column types above, or set"
                + " onError: deadletter to keep them in tidemark.dead_letter while the rest flow.");
    out.flush();
    return refused == 0 ? ExitCodes.OK : ExitCodes.FAILED;
  }

  private static void print(PrintWriter out, MappingSample s) {
    out.println();
    out.print(s.collection() + ": " + s.sampled() + " document(s) sampled");
    if (s.refused() == 0) {
      out.println(", all fit.");
    } else {
      out.println(
          ", "
              + s.refused()
              + " would be refused ("
              + (s.onError() == OnError.DEADLETTER
                  ? "onError deadletter: written to tidemark.dead_letter"
                  : "onError fail: the collection would stop at the first")
              + ").");
    }
    out.println("  " + s.ddl() + ";");
    for (MappingSample.ColumnMisfit m : s.misfits()) {
      out.println(
          "  field "
              + m.field()
              + " -> column "
              + m.column()
              + " "
              + m.type()
              + ": "
              + m.refused()
              + " do not fit, "
              + m.fit()
              + " fit, "
              + m.empty()
              + " missing or null");
    }
    for (String example : s.examples()) {
      out.println("    " + example);
    }
    if (!s.newColumns().isEmpty()) {
      out.println(
          "  schema.evolve: addColumns would add "
              + s.newColumns().size()
              + " column(s) for the sampled fields:");
      for (MappingSample.NewColumn c : s.newColumns()) {
        out.println(
            "    field "
                + c.field()
                + " -> column "
                + c.column()
                + " "
                + c.type()
                + " ("
                + c.documents()
                + " document(s); "
                + String.join(", ", c.sourceTypes())
                + (c.sourceTypes().size() > 1 && c.type().equals("jsonb")
                    ? ": types disagree, so jsonb"
                    : "")
                + ")");
      }
    }
  }

  private static String onError(OnError onError) {
    return onError.name().toLowerCase(java.util.Locale.ROOT);
  }
}
