package io.tidemark.it.campaign;

import io.tidemark.it.campaign.History.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a run found wrong, in the order found, each also written to the history as a {@code FAIL}
 * entry. Thread-safe.
 */
final class Findings {
  /** What kind of wrong; the summary counts them by kind. */
  enum Category {
    /** {@code tidemark verify} found a table that differs from its collection. */
    DIFFERENCE,
    /** A {@code $inc} counter in the sink is not what the workload's writes leave. */
    COUNTER,
    /** A collection FAILED that the schedule did not make fail, or failed with another message. */
    UNEXPECTED_FAILED,
    /** A checkpoint or copy mark moved backwards, or a copy was marked done too early. */
    BACKWARDS,
    /** A stack trace or a secret in the daemon's output. */
    LOG,
    /** The daemon misbehaved as a process: died by itself, ignored SIGTERM, was not refused. */
    DAEMON,
    /** The run did not converge, or the campaign itself could not do what it meant to. */
    CONVERGENCE
  }

  /**
   * @param category the kind
   * @param atSeconds seconds since the run started
   * @param text what was found, with the numbers
   */
  record Finding(Category category, double atSeconds, String text) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "[%s at +%.1fs] %s", category, atSeconds, text);
    }
  }

  private final History history;
  private final List<Finding> found = new ArrayList<>();

  Findings(History history) {
    this.history = history;
  }

  void add(Category category, String text) {
    Finding f = new Finding(category, history.elapsedSeconds(), text);
    synchronized (this) {
      found.add(f);
    }
    history.record(Kind.FAIL, category + ": " + text);
  }

  synchronized List<Finding> all() {
    return List.copyOf(found);
  }

  synchronized long count(Category category) {
    return found.stream().filter(f -> f.category() == category).count();
  }

  synchronized boolean isEmpty() {
    return found.isEmpty();
  }
}
