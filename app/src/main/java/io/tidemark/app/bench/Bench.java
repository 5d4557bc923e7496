package io.tidemark.app.bench;

import io.tidemark.app.bench.BenchWorkload.Kind;
import io.tidemark.app.bench.Measurement.PathResult;
import io.tidemark.core.config.TidemarkConfig;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.sink.jdbc.write.JdbcChangeSink;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * {@code tidemark bench}: on one PostgreSQL, the limit (plain COPY, plain multi-row upsert), the
 * naive per-event sync, and Tidemark's snapshot and streaming paths, all writing the same generated
 * documents; then, optionally, end-to-end lag on the MongoDB stand-in. Prints a table and, last, a
 * {@code RESULT} line.
 */
public final class Bench {

  /**
   * What to run.
   *
   * @param rows documents per path (and events per streamed workload)
   * @param jdbcUrl the database to measure, or null for an embedded PostgreSQL
   * @param naiveRows events the naive sync runs (it is slow, so a sample)
   * @param hotKeys documents in the update-heavy workload's hot set
   * @param hotShare share of the update-heavy events that go to the hot set
   * @param lagSeconds how long the lag probe writes (0 skips it)
   * @param lagRate the lag probe's writes per second
   * @param keep keep the benchmark's schemas afterwards
   * @param config a Tidemark configuration whose snapshot and stream settings to use, or null
   * @param only which paths to run
   */
  public record Options(
      long rows,
      String jdbcUrl,
      String user,
      String password,
      long naiveRows,
      long hotKeys,
      double hotShare,
      int lagSeconds,
      int lagRate,
      boolean keep,
      long seed,
      Path config,
      Only only) {}

  /** Which paths a run measures. */
  public enum Only {
    /** Every path, the baselines, the targets and the RESULT line. */
    ALL,
    /** Tidemark's snapshot alone, with the heap's high-water mark: memory at any size. */
    SNAPSHOT,
    /** The end-to-end lag probe alone. */
    LAG
  }

  private static final int LAG_WARMUP_SECONDS = 2;

  private final Options options;
  private final PrintWriter out;

  public Bench(Options options, PrintWriter out) {
    this.options = options;
    this.out = out;
  }

  public void run() throws Exception {
    BenchDocuments documents = new BenchDocuments(options.seed());
    BenchWorkload workload =
        new BenchWorkload(options.rows(), options.hotKeys(), options.hotShare(), options.seed());
    TidemarkConfig config = BenchConfig.load(options.config());
    say("machine: %s", Machine.describe());
    try (HeapWatch heap = new HeapWatch();
        BenchDatabase db =
            options.jdbcUrl() == null
                ? BenchDatabase.embedded()
                : BenchDatabase.at(options.jdbcUrl(), options.user(), options.password())) {
      say("database: %s", db.describe());
      say("Tidemark settings: %s", BenchConfig.describe(config));
      Measurement.Probes probes = new Measurement.Probes(heap, PostgresCpu.of(db));
      say(
          "dropping and recreating schemas %s and %s in that database",
          BenchDatabase.SCHEMA, BenchDatabase.METADATA_SCHEMA);
      db.resetSchemas();
      if (!db.checkpoint()) {
        say("note: CHECKPOINT is not permitted; paths may pay for earlier paths' dirty pages");
      }
      if (options.only() != Only.ALL) {
        runOnly(db, config, documents, workload, probes, heap);
        return;
      }
      say(
          "%,d documents; update-heavy: %.0f%% of updates on %,d hot keys; naive sample: %,d"
              + " events",
          options.rows(), 100 * options.hotShare(), options.hotKeys(), options.naiveRows());

      PathResult generated = JvmWork.generate(documents, options.rows(), probes);
      PathResult tidemarkAlone =
          JvmWork.tidemark(
              documents,
              config.collections().get(1),
              JdbcChangeSink.dialectFor(db.jdbcUrl()).valueEncoding(),
              options.rows(),
              probes);
      say(
          "source alone: %,.0f documents/s; Tidemark alone: %,.0f documents/s (%.1f us of JVM CPU"
              + " each); rendering the rows for the baselines...",
          generated.rowsPerSecond(),
          tidemarkAlone.rowsPerSecond(),
          tidemarkAlone.jvmMicrosPerRow());
      PathResult copyAll;
      PathResult copyChunked;
      PathResult upsert;
      PathResult upsertText;
      PathResult staged;
      PathResult naive;
      try (RowsFile rows = RowsFile.write(documents, options.rows())) {
        say(
            "rows file: %,d bytes (%,d bytes per row)",
            rows.sizeInBytes(), rows.sizeInBytes() / options.rows());
        Baselines baselines = new Baselines(db, rows, probes);
        db.checkpoint();
        copyAll = baselines.copy("plain_copy", Long.MAX_VALUE);
        say("plain COPY, 1 transaction: %,.0f rows/s", copyAll.rowsPerSecond());
        db.checkpoint();
        copyChunked = baselines.copy("plain_copy_chunked", config.snapshot().chunkSize());
        say("plain COPY, chunked: %,.0f rows/s", copyChunked.rowsPerSecond());
        db.checkpoint();
        upsert = baselines.upsert("plain_upsert", config.stream().batchSize());
        say("plain upsert: %,.0f rows/s", upsert.rowsPerSecond());
        db.checkpoint();
        upsertText = baselines.upsertTextArrays("plain_upsert_text", config.stream().batchSize());
        say("upsert of text[]: %,.0f rows/s", upsertText.rowsPerSecond());
        db.checkpoint();
        staged = baselines.stagedUpsert("plain_upsert_staged", config.stream().batchSize());
        say("COPY to staging + upsert: %,.0f rows/s", staged.rowsPerSecond());
        db.checkpoint();
        naive = baselines.naive("naive", Math.min(options.naiveRows(), options.rows()));
        say("naive: %,.0f rows/s", naive.rowsPerSecond());
      }

      TidemarkPaths tidemark = new TidemarkPaths(db, config, documents, workload, probes);
      db.checkpoint();
      say("Tidemark snapshot starts");
      PathResult snapshot = tidemark.snapshot(config.collections().get(0));
      say("Tidemark snapshot: %,.0f rows/s", snapshot.rowsPerSecond());
      TableMapping stream = config.collections().get(1);
      String copyPrint = db.fingerprint("plain_copy");
      List<PathResult> streamed =
          tidemark.stream(
              stream,
              List.of(Kind.INSERT_ONLY, Kind.UPDATE_HOT, Kind.DELETE_MIXED),
              new TidemarkPaths.PhaseHooks() {
                @Override
                public void before(Kind phase) {
                  say("Tidemark stream %s starts", phase.label());
                }

                @Override
                public void after(Kind phase) throws Exception {
                  if (phase == Kind.INSERT_ONLY) {
                    check("Tidemark stream insert-only", db.fingerprint(stream.table()), copyPrint);
                  }
                  say("Tidemark stream %s done", phase.label());
                }
              });
      TableMapping children = config.collections().get(2);
      String variant = " + child table";
      db.checkpoint();
      say("Tidemark snapshot%s starts", variant);
      PathResult childSnapshot = tidemark.snapshot(children, variant);
      check("Tidemark snapshot" + variant, db.fingerprint(children.table()), copyPrint);
      String childRows =
          db.childRowsCheck(children.table(), BenchConfig.childTable(children.table()));
      say(
          "Tidemark snapshot%s: %,.0f rows/s; %s",
          variant, childSnapshot.rowsPerSecond(), childRows);
      TableMapping childrenStreamed = config.collections().get(3);
      db.checkpoint();
      PathResult childStream =
          tidemark.stream(
                  childrenStreamed,
                  List.of(Kind.INSERT_ONLY),
                  new TidemarkPaths.PhaseHooks() {
                    @Override
                    public void before(Kind phase) {
                      say("Tidemark stream %s%s starts", phase.label(), variant);
                    }
                  },
                  variant)
              .get(0);
      check(
          "Tidemark stream insert-only" + variant,
          db.fingerprint(childrenStreamed.table()),
          copyPrint);
      say(
          "Tidemark stream insert-only%s: %,.0f rows/s; %s",
          variant,
          childStream.rowsPerSecond(),
          db.childRowsCheck(
              childrenStreamed.table(), BenchConfig.childTable(childrenStreamed.table())));
      check("plain upsert", db.fingerprint("plain_upsert"), copyPrint);
      check("upsert of text[]", db.fingerprint("plain_upsert_text"), copyPrint);
      check("COPY to staging + upsert", db.fingerprint("plain_upsert_staged"), copyPrint);
      check("plain COPY, chunked", db.fingerprint("plain_copy_chunked"), copyPrint);
      check("Tidemark snapshot", db.fingerprint(config.collections().get(0).table()), copyPrint);
      long runHeapUsed = heap.runUsedBytes();
      long runHeapLive = heap.runLiveBytes();
      long gcs = heap.collections();
      long gcMillis = heap.pauseMillis();

      BenchReport report = new BenchReport(out);
      BenchReport.Paths paths =
          new BenchReport.Paths(
              generated,
              tidemarkAlone,
              copyAll,
              copyChunked,
              upsert,
              upsertText,
              staged,
              naive,
              snapshot,
              streamed.get(0),
              streamed.get(1),
              streamed.get(2));
      report.table(paths);
      report.childTables(paths, childSnapshot, childStream, childRows);
      out.printf(
          Locale.ROOT,
          "%nheap high-water mark of the %,d-row run: %.0f MB used, %.0f MB live after GC"
              + " (max heap %.0f MB; %d collections, %d ms in total)%n",
          options.rows(),
          runHeapUsed / 1048576.0,
          runHeapLive / 1048576.0,
          Runtime.getRuntime().maxMemory() / 1048576.0,
          gcs,
          gcMillis);
      out.println("same rows in every table: yes (" + copyPrint + ")");
      report.targets(paths, runHeapUsed, Runtime.getRuntime().maxMemory());
      if (options.lagSeconds() > 0) {
        lag(db, config, heap);
      }
      if (!options.keep()) {
        db.dropSchemas();
      }
      out.println();
      report.result(paths, runHeapUsed);
    }
  }

  /** One path alone: the snapshot with its heap high-water mark, or the lag probe. */
  private void runOnly(
      BenchDatabase db,
      TidemarkConfig config,
      BenchDocuments documents,
      BenchWorkload workload,
      Measurement.Probes probes,
      HeapWatch heap)
      throws Exception {
    if (options.only() == Only.LAG) {
      lag(db, config, heap);
    } else {
      say("%,d documents; Tidemark snapshot starts", options.rows());
      TidemarkPaths tidemark = new TidemarkPaths(db, config, documents, workload, probes);
      PathResult snapshot = tidemark.snapshot(config.collections().get(0));
      long rows = db.count(config.collections().get(0).table());
      out.printf(
          Locale.ROOT,
          "Tidemark snapshot: %,d rows in the table (%s), %,.0f rows/s, JVM %.1f us per row%n"
              + "heap high-water mark: %.0f MB used, %.0f MB live after GC (max heap %.0f MB; %d"
              + " collections, %d ms in total)%n",
          rows,
          rows == options.rows() ? "all of them" : "MISSING " + (options.rows() - rows),
          snapshot.rowsPerSecond(),
          snapshot.jvmMicrosPerRow(),
          heap.runUsedBytes() / 1048576.0,
          heap.runLiveBytes() / 1048576.0,
          Runtime.getRuntime().maxMemory() / 1048576.0,
          heap.collections(),
          heap.pauseMillis());
    }
    if (!options.keep()) {
      db.dropSchemas();
    }
  }

  private void lag(BenchDatabase db, TidemarkConfig config, HeapWatch heap) throws Exception {
    say(
        "lag probe: %,d writes/s for %d s (+%d s warm-up) on the MongoDB stand-in...",
        options.lagRate(), options.lagSeconds(), LAG_WARMUP_SECONDS);
    heap.resetPhase();
    LagProbe.Result lag =
        new LagProbe(db, config)
            .run("tm_lag", options.lagRate(), LAG_WARMUP_SECONDS, options.lagSeconds());
    out.printf(
        Locale.ROOT,
        "%nend-to-end lag, MongoDB stand-in -> PostgreSQL (stand-in figures, not MongoDB's):%n"
            + "  %,d writes measured at %,.0f writes/s: p50 %.1f ms, p99 %.1f ms, max %.1f ms"
            + " (poll resolution ~2 ms; heap %.0f MB used / %.0f MB live)%n",
        lag.writes(),
        lag.achievedRate(),
        lag.p50(),
        lag.p99(),
        lag.max(),
        heap.phaseUsedBytes() / 1048576.0,
        heap.phaseLiveBytes() / 1048576.0);
  }

  private void check(String what, String fingerprint, String expected) {
    if (!fingerprint.equals(expected)) {
      throw new IllegalStateException(
          what + " wrote different rows than the plain COPY: " + fingerprint + " vs " + expected);
    }
  }

  private void say(String format, Object... args) {
    // The time of day lets a profile (JFR) be cut into the paths.
    String time = LocalTime.now().truncatedTo(ChronoUnit.MILLIS).toString();
    out.println("[bench " + time + "] " + String.format(Locale.ROOT, format, args));
    out.flush();
  }
}
