package io.tidemark.app.verify;

import java.util.List;

/**
 * What verify found for one collection.
 *
 * @param collection the source collection
 * @param table the qualified table name
 * @param documents documents read from the collection
 * @param rows rows read from the table
 * @param unmappable documents that cannot be mapped to a row (dead letters; no row expected)
 * @param missing documents without a row
 * @param extra rows without a document
 * @param different rows whose values differ from their document
 * @param examples the first differences found, at most the configured number
 * @param repair what --repair did, or null when it did not run
 * @param problem why the collection could not be compared or repaired, or null
 */
public record CollectionResult(
    String collection,
    String table,
    long documents,
    long rows,
    long unmappable,
    long missing,
    long extra,
    long different,
    List<Difference> examples,
    Repair repair,
    String problem) {

  public CollectionResult {
    examples = List.copyOf(examples);
  }

  public long differences() {
    return missing + extra + different;
  }

  /** True when the table equals the collection and nothing stood in the way of comparing them. */
  public boolean identical() {
    return problem == null && differences() == 0;
  }

  /** True when every difference found was repaired (or there was none), and nothing failed. */
  public boolean clean() {
    return problem == null
        && (differences() == 0 || (repair != null && repair.rows() == differences()));
  }

  /**
   * What --repair wrote, in sink transactions at the collection's committed position.
   *
   * @param upserted rows written from their document
   * @param deleted rows deleted
   * @param position the committed position the repair used (cluster time), unchanged by it
   */
  public record Repair(long upserted, long deleted, String position) {
    public long rows() {
      return upserted + deleted;
    }
  }
}
