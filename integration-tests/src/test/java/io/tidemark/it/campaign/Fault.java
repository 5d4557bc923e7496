package io.tidemark.it.campaign;

import java.util.Locale;

/**
 * One fault of a run's schedule.
 *
 * @param number its place in the schedule, from 1
 * @param atSeconds when it is due, in seconds after the daemon first started
 * @param kind what it is
 * @param collection the collection it targets (pause, resnapshot, history loss), or null
 * @param table the table it targets (reader lock), or null
 * @param seconds how long it lasts (outage, hold, downtime)
 * @param latencyMillis the added latency of a delay
 * @param variant a kind's variant: for a pause, 1 pauses and resumes four times in quick
 *     succession; for a reader lock, 1 locks the child table first, then its parent
 * @param trigger what it waits for once due, before it acts
 */
record Fault(
    int number,
    double atSeconds,
    FaultKind kind,
    String collection,
    String table,
    double seconds,
    long latencyMillis,
    int variant,
    Trigger trigger) {

  /**
   * The moment a fault waits for (at most {@value #TRIGGER_SECONDS} s, then it acts anyway): where
   * two events meet at an unlucky moment more often than a uniform time would find.
   */
  enum Trigger {
    /** Acts when due. */
    NOW,
    /** Acts while its collection (any, when it has none) or its rebuild copies. */
    COPY,
    /** Acts while its collection's rebuild (any, when it has none) catches up with the live. */
    REBUILD,
    /** Acts the moment the daemon logs a rebuild's hand-over, just before the swap. */
    HANDOVER
  }

  static final int TRIGGER_SECONDS = 20;

  Fault withTrigger(Trigger t, double at, String c, String t2) {
    return new Fault(number, at, kind, c, t2, seconds, latencyMillis, variant, t);
  }

  Fault numbered(int n) {
    return new Fault(
        n, atSeconds, kind, collection, table, seconds, latencyMillis, variant, trigger);
  }

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
    if (trigger != Trigger.NOW) {
      s.append(" when=").append(trigger.name().toLowerCase(Locale.ROOT));
    }
    return s.toString();
  }
}
