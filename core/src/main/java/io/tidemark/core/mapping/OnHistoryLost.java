package io.tidemark.core.mapping;

/** What to do when a collection's stream position has fallen out of the source's oplog. */
public enum OnHistoryLost {
  /** Stop the collection with a message saying how far behind it was and how to rebuild. */
  FAIL,
  /** Rebuild the table from a fresh copy into a shadow table, swapped in when complete. */
  RESNAPSHOT
}
