package io.tidemark.app.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * CPU time used by the PostgreSQL server, when it runs on this machine: the postmaster and all its
 * children (backends, WAL writer, checkpointer), read from {@code /proc}. With the JVM's own CPU
 * and the machine's total, it shows what limits a path and whether something else on the machine
 * disturbed it. On another host, or without {@code /proc}, it reports NaN.
 */
final class PostgresCpu {
  /** Linux reports process times in clock ticks of 1/100 s on every common platform. */
  private static final double TICKS_PER_SECOND = 100.0;

  private final long postmaster;

  private PostgresCpu(long postmaster) {
    this.postmaster = postmaster;
  }

  /** Finds the server through a backend's parent process; unknown if that is not a postgres. */
  static PostgresCpu of(BenchDatabase db) {
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      long backend = rs.getLong(1);
      long parent = parentOf(backend);
      if (parent > 0 && isPostgres(backend) && isPostgres(parent)) {
        return new PostgresCpu(parent);
      }
    } catch (SQLException | IOException | RuntimeException e) {
      // A remote server or no /proc: the report shows "?" for PostgreSQL's CPU.
    }
    return new PostgresCpu(-1);
  }

  /** CPU seconds of the server's processes alive now, or NaN when unknown. */
  double cpuSeconds() {
    if (postmaster < 0) {
      return Double.NaN;
    }
    long ticks = 0;
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path p : procs) {
        String[] f = statFields(p);
        if (f == null) {
          continue;
        }
        long pid = Long.parseLong(String.valueOf(p.getFileName()));
        if (pid == postmaster || Long.parseLong(f[1]) == postmaster) {
          ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime
        }
      }
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
    return ticks / TICKS_PER_SECOND;
  }

  private static long parentOf(long pid) {
    String[] f = statFields(Path.of("/proc", Long.toString(pid)));
    return f == null ? -1 : Long.parseLong(f[1]);
  }

  private static boolean isPostgres(long pid) throws IOException {
    byte[] cmdline = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
    return new String(cmdline, StandardCharsets.UTF_8).contains("postgres");
  }

  /**
   * The fields of {@code /proc/<pid>/stat} after the command name (which may hold spaces): [0] is
   * the state, [1] the parent pid, [11] and [12] user and system time. Null if the process is gone.
   */
  private static String[] statFields(Path proc) {
    try {
      String stat = Files.readString(proc.resolve("stat"), StandardCharsets.UTF_8);
      return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
