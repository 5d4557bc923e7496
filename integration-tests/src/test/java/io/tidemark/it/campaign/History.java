package io.tidemark.it.campaign;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * What happened in one run, in order, one line per entry: seconds since the run started, the kind
 * of entry, and what it says. Operations go only to the file; every other entry is also kept in
 * memory so a failure can be shown with what led to it. Thread-safe: every writer of the run (the
 * workload, the faults, the sampler) appends here.
 */
final class History implements AutoCloseable {
  /** Non-operation entries kept in memory for failure reports. */
  private static final int KEPT = 4000;

  /** Kinds of entries; the file can be filtered by them ({@code grep ' FAULT '}). */
  enum Kind {
    /** Setup and phase changes of the run itself. */
    RUN,
    /** One write of the workload. */
    OP,
    /** A fault injected, its steps and its end. */
    FAULT,
    /** A state change seen in the daemon's status or in the metadata tables. */
    STATE,
    /** A check and its outcome. */
    CHECK,
    /** Something the checker will report as a failure. */
    FAIL
  }

  private final Path file;
  private final BufferedWriter out;
  private final long startNanos = System.nanoTime();
  private final Deque<String> kept = new ArrayDeque<>();

  History(Path file) {
    this.file = file;
    try {
      Files.createDirectories(file.getParent());
      this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the history file " + file + ": " + e, e);
    }
  }

  Path file() {
    return file;
  }

  /** Seconds since the run started. */
  double elapsedSeconds() {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  void record(Kind kind, String text) {
    String line = String.format(Locale.ROOT, "+%9.3f %-5s %s", elapsedSeconds(), kind, text);
    synchronized (this) {
      try {
        out.write(line);
        out.newLine();
        if (kind != Kind.OP) {
          out.flush();
        }
      } catch (IOException e) {
        // The history is evidence, not the test: a full disk must not hide the run's result.
      }
      if (kind != Kind.OP) {
        kept.addLast(line);
        if (kept.size() > KEPT) {
          kept.removeFirst();
        }
      }
    }
  }

  /** The last {@code count} non-operation entries, oldest first. */
  synchronized List<String> tail(int count) {
    List<String> all = new ArrayList<>(kept);
    return all.subList(Math.max(0, all.size() - count), all.size());
  }

  @Override
  public synchronized void close() {
    try {
      out.close();
    } catch (IOException e) {
      // nothing more can be written either way
    }
  }
}
