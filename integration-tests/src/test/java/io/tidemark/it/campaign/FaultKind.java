package io.tidemark.it.campaign;

import java.util.Locale;

/** Every fault the campaign injects; the summary counts each kind it exercised. */
enum FaultKind {
  KILL("SIGKILL of the daemon, restarted after 0-2 s"),
  TERM("SIGTERM of the daemon (exit 0 expected within 60 s), restarted after 0-2 s"),
  PAUSE(
      "pause of a collection through the admin API, resumed after 0.5-6 s; or (2 in 5) four"
          + " pause/resume pairs in quick succession"),
  RESNAPSHOT("resnapshot of a live collection through the admin API"),
  RESNAPSHOT_TWICE("resnapshot, and a second one 0.2-3 s later while the first runs"),
  MONGO_CUT("every MongoDB connection reset, new ones refused for 0-6 s"),
  MONGO_DELAY("every MongoDB connection delayed by 50-400 ms each way for 2-8 s"),
  PG_CUT("every PostgreSQL connection reset, new ones refused for 0-5 s"),
  PG_RESTART_FAST("PostgreSQL stopped (pg_ctl -m fast) and started again after 0-3 s"),
  PG_RESTART_IMMEDIATE("PostgreSQL stopped (pg_ctl -m immediate) and started again after 0-3 s"),
  READER_LOCK(
      "a reader transaction holding ACCESS SHARE on a table, or on a child table and then its"
          + " parent, for 2-8 s"),
  SECOND_DAEMON("a second daemon started on the same pipeline: refused with exit 4 expected"),
  HISTORY_LOST_RESNAPSHOT(
      "oplog truncated past a paused collection's position, onHistoryLost: resnapshot (rebuild"
          + " expected)"),
  HISTORY_LOST_FAIL(
      "oplog truncated past a paused collection's position, onHistoryLost: fail (FAILED with the"
          + " documented message expected; then resnapshot)");

  private final String description;

  FaultKind(String description) {
    this.description = description;
  }

  String description() {
    return description;
  }

  String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
