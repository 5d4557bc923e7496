package io.tidemark.app.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Times one path of the benchmark and records what it cost besides time: the JVM's CPU and
 * PostgreSQL's (in cores), the whole machine's busy CPUs (what neither of them used is someone
 * else's: a disturbed measurement), and the heap high-water mark during the path. Start it right
 * before the path's work.
 */
final class Measurement {
  private static final Path PROC_STAT = Path.of("/proc/stat");

  /** What every measurement reads besides the clock. */
  record Probes(HeapWatch heap, PostgresCpu postgres) {}

  private final Probes probes;
  private final long startNanos;
  private final long startCpuNanos;
  private final double startPostgres;
  private final long[] startMachine;

  private Measurement(Probes probes) {
    this.probes = probes;
    probes.heap().resetPhase();
    this.startMachine = machineTicks();
    this.startPostgres = probes.postgres().cpuSeconds();
    this.startCpuNanos = processCpuNanos();
    this.startNanos = System.nanoTime();
  }

  static Measurement start(Probes probes) {
    return new Measurement(probes);
  }

  /** Ends the measurement now. */
  PathResult stop(String path, long rows, String note) {
    return stopAt(System.nanoTime(), path, rows, note);
  }

  /** Ends the measurement at {@code endNanos} (a {@link System#nanoTime()} taken earlier). */
  PathResult stopAt(long endNanos, String path, long rows, String note) {
    double seconds = Math.max(1e-6, (endNanos - startNanos) / 1e9);
    double jvmCores = (processCpuNanos() - startCpuNanos) / 1e9 / seconds;
    double postgresCores = (probes.postgres().cpuSeconds() - startPostgres) / seconds;
    long[] machine = machineTicks();
    double busy = Double.NaN;
    if (machine != null && startMachine != null && machine[0] > startMachine[0]) {
      double idle = (double) (machine[1] - startMachine[1]) / (machine[0] - startMachine[0]);
      busy = (1.0 - idle) * Runtime.getRuntime().availableProcessors();
    }
    HeapWatch heap = probes.heap();
    return new PathResult(
        path,
        rows,
        seconds,
        jvmCores,
        postgresCores,
        busy,
        heap.phaseUsedBytes(),
        heap.phaseLiveBytes(),
        note);
  }

  private static long processCpuNanos() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime();
    }
    return 0;
  }

  /** {total, idle + iowait} jiffies of all CPUs, or null where /proc/stat is not readable. */
  private static long[] machineTicks() {
    try {
      String first = Files.readAllLines(PROC_STAT).get(0);
      String[] f = first.trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length && i <= 8; i++) {
        total += Long.parseLong(f[i]);
      }
      return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5])};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * One line of the report.
   *
   * @param path what was measured
   * @param rows rows (or change events) processed
   * @param seconds wall time
   * @param jvmCores the benchmark JVM's CPU time divided by wall time
   * @param postgresCores PostgreSQL's CPU time divided by wall time (NaN where unknown)
   * @param busyCores the machine's busy CPUs, all processes (NaN where unknown)
   * @param heapUsedBytes heap high-water mark during the path
   * @param heapLiveBytes largest heap after a collection during the path
   * @param note what the ratio or the path's shape needs said
   */
  record PathResult(
      String path,
      long rows,
      double seconds,
      double jvmCores,
      double postgresCores,
      double busyCores,
      long heapUsedBytes,
      long heapLiveBytes,
      String note) {
    double rowsPerSecond() {
      return rows / seconds;
    }

    /** The JVM's CPU time per row, in microseconds: what a row costs the replicator's cores. */
    double jvmMicrosPerRow() {
      return jvmCores * seconds * 1e6 / Math.max(1, rows);
    }

    /** CPUs busy with neither this JVM nor PostgreSQL: other work disturbing the measurement. */
    double otherCores() {
      return Math.max(0, busyCores - jvmCores - postgresCores);
    }

    PathResult withNote(String text) {
      return new PathResult(
          path,
          rows,
          seconds,
          jvmCores,
          postgresCores,
          busyCores,
          heapUsedBytes,
          heapLiveBytes,
          text);
    }
  }
}
