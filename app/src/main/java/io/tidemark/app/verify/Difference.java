package io.tidemark.app.verify;

/**
 * One key on which a table and its collection disagree.
 *
 * @param key the document key as the table stores it
 * @param kind how they disagree
 * @param detail what differs, for a human (e.g. the differing columns)
 */
public record Difference(String key, Kind kind, String detail) {

  /** How a table row and its document disagree. */
  public enum Kind {
    /** The document has no row. Repair: upsert the row. */
    MISSING_IN_TABLE("missing in table"),
    /** The row has no document (or one that cannot be mapped). Repair: delete the row. */
    EXTRA_IN_TABLE("extra in table"),
    /** The row's values are not the document's. Repair: upsert the row. */
    DIFFERENT("different");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }
}
