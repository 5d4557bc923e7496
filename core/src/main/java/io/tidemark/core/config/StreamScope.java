package io.tidemark.core.config;

/** How many change streams the source opens for the configured collections. */
public enum StreamScope {
  /** One stream per collection: each cursor scans the source's whole change log on its own. */
  COLLECTION,
  /**
   * One stream per database, shared by its configured collections: one cursor and one scan of the
   * change log, whatever the number of collections.
   */
  DATABASE
}
