package io.tidemark.app.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.tidemark.app.bench.Bench;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code tidemark bench}: throughput against the limit and the naive way, on one PostgreSQL. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measures, on one PostgreSQL and for the same generated documents (~1 KB, nested): a plain"
          + " COPY and a plain multi-row upsert (the limit), a naive per-event sync, and Tidemark's"
          + " snapshot and streaming paths (insert-only, update-heavy with hot keys,"
          + " delete-mixed); then end-to-end lag on the embedded MongoDB stand-in.",
      "Uses an embedded PostgreSQL unless --jdbc-url is given. Works in schemas tidemark_bench and"
          + " tidemark_bench_meta, which it drops and recreates. Run the JVM with -Xmx256m to check"
          + " the memory target. The last line is a machine-readable RESULT summary."
    })
final class BenchCommand implements Callable<Integer> {
  @Option(
      names = "--rows",
      defaultValue = "200000",
      description =
          "Documents per path and events per streamed workload (default ${DEFAULT-VALUE}).")
  long rows;

  @Option(
      names = "--jdbc-url",
      description = "PostgreSQL to measure (jdbc:postgresql://host:port/db); default: embedded.")
  String jdbcUrl;

  @Option(names = "--user", description = "Database user for --jdbc-url.")
  String user;

  @Option(
      names = "--password",
      description = "Database password for --jdbc-url (or set PGPASSWORD).",
      defaultValue = "${env:PGPASSWORD}")
  String password;

  @Option(
      names = "--naive-rows",
      defaultValue = "20000",
      description = "Events the naive per-event sync runs (default ${DEFAULT-VALUE}).")
  long naiveRows;

  @Option(
      names = "--hot-keys",
      description = "Documents in the update-heavy hot set (default: 10%% of --rows).")
  Long hotKeys;

  @Option(
      names = "--hot-share",
      defaultValue = "0.9",
      description = "Share of update-heavy events on the hot set (default ${DEFAULT-VALUE}).")
  double hotShare;

  @Option(
      names = "--lag-seconds",
      defaultValue = "10",
      description = "How long the lag probe writes; 0 skips it (default ${DEFAULT-VALUE}).")
  int lagSeconds;

  @Option(
      names = "--lag-rate",
      defaultValue = "2000",
      description = "Writes per second of the lag probe (default ${DEFAULT-VALUE}).")
  int lagRate;

  @Option(
      names = "--only",
      defaultValue = "all",
      description =
          "Run every path (all), only Tidemark's snapshot with its heap high-water mark (snapshot:"
              + " the bounded-memory check at any --rows), or only the lag probe (lag). Default"
              + " ${DEFAULT-VALUE}.")
  String only;

  @Option(names = "--keep", description = "Keep the benchmark's schemas and tables afterwards.")
  boolean keep;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Seed of the generated documents and workloads (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--config",
      description =
          "A Tidemark configuration file whose snapshot and stream settings to measure"
              + " (default: Tidemark's defaults).")
  Path config;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Bench.Only what;
    try {
      what = Bench.Only.valueOf(only.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(), "--only takes all, snapshot or lag, not '" + only + "'");
    }
    if (what == Bench.Only.LAG && lagSeconds == 0) {
      throw new ParameterException(spec.commandLine(), "--only lag needs --lag-seconds > 0");
    }
    if (rows < 1000 || naiveRows < 1 || lagSeconds < 0 || lagRate < 1) {
      throw new ParameterException(
          spec.commandLine(),
          "need --rows >= 1000, --naive-rows >= 1, --lag-seconds >= 0 and --lag-rate >= 1");
    }
    long hot = hotKeys == null ? Math.max(1, rows / 10) : hotKeys;
    if (hot < 1 || hot > rows || hotShare < 0 || hotShare > 1) {
      throw new ParameterException(
          spec.commandLine(), "need 1 <= --hot-keys <= --rows and 0 <= --hot-share <= 1");
    }
    // The engine's INFO lines would interleave with the table; --debug keeps them.
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    if (!root.isDebugEnabled()) {
      root.setLevel(Level.WARN);
    }
    Bench.Options options =
        new Bench.Options(
            rows,
            jdbcUrl,
            user,
            password,
            naiveRows,
            hot,
            hotShare,
            lagSeconds,
            lagRate,
            keep,
            seed,
            config,
            what);
    new Bench(options, spec.commandLine().getOut()).run();
    return ExitCodes.OK;
  }
}
