package io.tidemark.app.bench;

import io.tidemark.app.bench.Measurement.PathResult;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prints the benchmark's table, the checks, the targets and, as the very last line, the
 * machine-readable {@code RESULT} summary. Knows nothing about how the numbers were obtained.
 */
final class BenchReport {
  private static final double MB = 1024.0 * 1024.0;

  /** CPU used by other processes above which a path's figure is flagged as disturbed. */
  private static final double DISTURBED_CORES = 0.25;

  /** The measured paths and what they are compared with. */
  record Paths(
      PathResult generated,
      PathResult tidemarkAlone,
      PathResult copyAll,
      PathResult copyChunked,
      PathResult upsert,
      PathResult upsertText,
      PathResult staged,
      PathResult naive,
      PathResult snapshot,
      PathResult insertOnly,
      PathResult updateHeavy,
      PathResult deleteMixed) {

    /** The fastest idempotent apply: the limit a stream is held to. */
    PathResult bestUpsert() {
      PathResult best = upsert;
      for (PathResult r : List.of(upsertText, staged)) {
        if (r.rowsPerSecond() > best.rowsPerSecond()) {
          best = r;
        }
      }
      return best;
    }

    /** The faster of the two COPY shapes: the limit a copy is held to. */
    PathResult copy() {
      return copyAll.rowsPerSecond() >= copyChunked.rowsPerSecond() ? copyAll : copyChunked;
    }
  }

  private final PrintWriter out;

  BenchReport(PrintWriter out) {
    this.out = out;
  }

  void table(Paths p) {
    out.println();
    out.printf(
        Locale.ROOT,
        "%-56s %9s %7s %8s  %-30s %17s %9s %7s%n",
        "path",
        "rows",
        "seconds",
        "rows/s",
        "ratio",
        "CPU cores used by",
        "heap MB",
        "JVM us");
    out.printf(
        Locale.ROOT,
        "%-56s %9s %7s %8s  %-30s %5s %5s %5s %9s %7s%n",
        "",
        "",
        "",
        "",
        "",
        "JVM",
        "PG",
        "other",
        "used/live",
        "per row");
    row(p.generated(), "(the generator's cost)");
    row(p.tidemarkAlone(), "(Tidemark's own work)");
    row(
        p.copyAll(),
        p.copy() == p.copyAll()
            ? "1.00 = copy limit"
            : ratio(p.copyAll(), p.copy()) + " x copy limit");
    row(
        p.copyChunked(),
        p.copy() == p.copyChunked()
            ? "1.00 = copy limit"
            : ratio(p.copyChunked(), p.copy()) + " x copy limit");
    row(p.upsert(), ratio(p.upsert(), p.bestUpsert()) + " x best upsert");
    row(p.upsertText(), ratio(p.upsertText(), p.bestUpsert()) + " x best upsert");
    row(p.staged(), ratio(p.staged(), p.bestUpsert()) + " x best upsert");
    row(p.naive(), ratio(p.naive(), p.upsert()) + " x upsert");
    row(p.snapshot(), ratio(p.snapshot(), p.copy()) + " x copy limit");
    row(
        p.insertOnly(),
        ratio(p.insertOnly(), p.upsert())
            + " x upsert, "
            + ratio(p.insertOnly(), p.bestUpsert())
            + " x best");
    row(
        p.updateHeavy(),
        ratio(p.updateHeavy(), p.upsert())
            + " x upsert, "
            + ratio(p.updateHeavy(), p.insertOnly())
            + " x insert-only");
    row(p.deleteMixed(), ratio(p.deleteMixed(), p.upsert()) + " x upsert");
    out.println(
        "  (CPU cores: CPU time / wall time of the benchmark's JVM, of PostgreSQL's processes, and"
            + " of everything else on the machine; 'other' well above 0 means a disturbed run)");
    List<String> disturbed = new ArrayList<>();
    for (PathResult r :
        List.of(
            p.generated(),
            p.tidemarkAlone(),
            p.copyAll(),
            p.copyChunked(),
            p.upsert(),
            p.upsertText(),
            p.staged(),
            p.naive(),
            p.snapshot(),
            p.insertOnly(),
            p.updateHeavy(),
            p.deleteMixed())) {
      if (r.otherCores() > DISTURBED_CORES) {
        disturbed.add(String.format(Locale.ROOT, "%s (%.2f cores)", r.path(), r.otherCores()));
      }
    }
    if (!disturbed.isEmpty()) {
      out.println(
          "  DISTURBED: other processes used CPU during: "
              + String.join("; ", disturbed)
              + ". Those figures are low; run again on a quiet machine.");
    }
  }

  /**
   * The cost of a child table: the same documents copied and streamed with their line items (1 to 4
   * per document) written to a child table too, against the same paths without it.
   */
  void childTables(Paths p, PathResult snapshot, PathResult insertOnly, String childRows) {
    out.println();
    out.println("with a child table (" + childRows + "):");
    row(snapshot, ratio(snapshot, p.snapshot()) + " x snapshot without");
    row(insertOnly, ratio(insertOnly, p.insertOnly()) + " x insert-only without");
  }

  private void row(PathResult r, String ratio) {
    out.printf(
        Locale.ROOT,
        "%-56s %,9d %7.2f %,8.0f  %-30s %5.2f %5s %5s %4.0f/%-4.0f %7.1f%n",
        r.path(),
        r.rows(),
        r.seconds(),
        r.rowsPerSecond(),
        ratio,
        r.jvmCores(),
        cores(r.postgresCores()),
        cores(r.otherCores()),
        r.heapUsedBytes() / MB,
        r.heapLiveBytes() / MB,
        r.jvmMicrosPerRow());
    if (!r.note().isEmpty()) {
      out.println("    " + r.note());
    }
  }

  private static String cores(double value) {
    return Double.isNaN(value) ? "?" : String.format(Locale.ROOT, "%.2f", value);
  }

  /** The targets of the throughput issue (#14), each with met or missed and by how much. */
  void targets(Paths p, long runHeapUsed, long maxHeap) {
    List<String> lines = new ArrayList<>();
    double micros = p.tidemarkAlone().jvmMicrosPerRow();
    boolean cheapEnough = micros <= 10;
    lines.add(
        String.format(
            Locale.ROOT,
            "  %-44s %s (%.1f us; %s)",
            "JVM CPU of Tidemark's own work <= 10 us/doc",
            cheapEnough ? "met   " : "MISSED",
            micros,
            cheapEnough
                ? "at most"
                : String.format(Locale.ROOT, "%.1f x the target", micros / 10)));
    lines.add(
        target(
            "snapshot >= 0.9 x plain COPY (faster shape)",
            p.snapshot().rowsPerSecond() / p.copy().rowsPerSecond(),
            0.9));
    lines.add(
        target(
            "stream insert-only >= 0.85 x plain COPY",
            p.insertOnly().rowsPerSecond() / p.copy().rowsPerSecond(),
            0.85));
    lines.add(
        target(
            "stream insert-only >= 1.0 x best upsert",
            p.insertOnly().rowsPerSecond() / p.bestUpsert().rowsPerSecond(),
            1.0));
    lines.add(
        target(
            "update-heavy >= 1.0 x insert-only",
            p.updateHeavy().rowsPerSecond() / p.insertOnly().rowsPerSecond(),
            1.0));
    lines.add(
        target(
            "delete-mixed >= 1.0 x insert-only",
            p.deleteMixed().rowsPerSecond() / p.insertOnly().rowsPerSecond(),
            1.0));
    double heapMb = runHeapUsed / MB;
    lines.add(
        String.format(
            Locale.ROOT,
            "  %-44s %s (%.0f MB of a %.0f MB heap)",
            "heap < 256 MB",
            heapMb < 256 ? "met   " : "MISSED",
            heapMb,
            maxHeap / MB));
    out.println();
    out.println("targets:");
    lines.forEach(out::println);
    if (maxHeap > 256 * MB) {
      out.println(
          "  (the heap target is only shown by a run with -Xmx256m; this JVM may use up to "
              + Math.round(maxHeap / MB)
              + " MB)");
    }
  }

  private static String target(String name, double actual, double wanted) {
    boolean met = actual >= wanted;
    return String.format(
        Locale.ROOT,
        "  %-44s %s (%.2f; %s)",
        name,
        met ? "met   " : "MISSED",
        actual,
        met
            ? String.format(Locale.ROOT, "%.0f%% above", 100 * (actual / wanted - 1))
            : String.format(Locale.ROOT, "%.0f%% short", 100 * (1 - actual / wanted)));
  }

  /** The last line of the output, for scripts. */
  void result(Paths p, long runHeapUsed) {
    out.printf(
        Locale.ROOT,
        "RESULT snapshot_vs_copy=%.2f stream_vs_copy=%.2f stream_vs_best_upsert=%.2f"
            + " stream_vs_upsert=%.2f stream_vs_naive=%.1f hot_vs_upsert=%.2f jvm_us_per_doc=%.1f"
            + " heap_mb=%.0f%n",
        p.snapshot().rowsPerSecond() / p.copy().rowsPerSecond(),
        p.insertOnly().rowsPerSecond() / p.copy().rowsPerSecond(),
        p.insertOnly().rowsPerSecond() / p.bestUpsert().rowsPerSecond(),
        p.insertOnly().rowsPerSecond() / p.upsert().rowsPerSecond(),
        p.insertOnly().rowsPerSecond() / p.naive().rowsPerSecond(),
        p.updateHeavy().rowsPerSecond() / p.upsert().rowsPerSecond(),
        p.tidemarkAlone().jvmMicrosPerRow(),
        runHeapUsed / MB);
    out.flush();
  }

  private static String ratio(PathResult a, PathResult b) {
    double r = a.rowsPerSecond() / b.rowsPerSecond();
    return String.format(Locale.ROOT, r >= 10 ? "%.1f" : "%.2f", r);
  }
}
