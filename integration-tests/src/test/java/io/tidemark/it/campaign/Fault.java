package io.tidemark.it.campaign;

import java.util.Locale;

/**
 * One fault of a run's schedule.
 *
 * @param number its place in the schedule, from 1
 * @param atSeconds when it starts, in seconds after the daemon first started
 * @param kind what it is
 * @param collection the collection it targets (pause, resnapshot, history loss), or null
 * @param table the table it targets (reader lock), or null
 * @param seconds how long it lasts (outage, hold, downtime)
 * @param latencyMillis the added latency of a delay
 * @param variant a kind's variant: for a kill, 1 waits for a rebuild's hand-over and kills there;
 *     for a reader lock, 1 locks the child table first, then its parent
 */
record Fault(
    int number,
    double atSeconds,
    FaultKind kind,
    String collection,
    String table,
    double seconds,
    long latencyMillis,
    int variant) {

  @Override
  public String toString() {
    StringBuilder s =
        new StringBuilder(String.format(Locale.ROOT, "#%d at +%.1fs %s", number, atSeconds, kind));
    if (collection != null) {
      s.append(" collection=").append(collection);
    }
    if (table != null) {
      s.append(" table=").append(table);
    }
    if (seconds > 0) {
      s.append(String.format(Locale.ROOT, " for=%.1fs", seconds));
    }
    if (latencyMillis > 0) {
      s.append(" latency=").append(latencyMillis).append("ms");
    }
    if (variant != 0) {
      s.append(" variant=").append(variant);
    }
    return s.toString();
  }
}
