package io.tidemark.app.bench;

import io.tidemark.core.event.Operation;

/**
 * The streamed workloads, as a pure function of (workload, event index): any event can be computed
 * without the ones before it, so a cursor reopened at a committed position (after a retry) yields
 * exactly the same events again, and tests can check the mix without generating a whole run.
 *
 * <p>All three run over the same key space of {@code rows} documents, ids {@code 0..rows-1}, which
 * the insert-only workload creates:
 *
 * <ul>
 *   <li>{@link Kind#INSERT_ONLY}: event {@code i} inserts document {@code i} — the same rows the
 *       baselines write.
 *   <li>{@link Kind#UPDATE_HOT}: every event updates an existing document. A hot set of {@code
 *       hotKeys} documents, spread over the key space, receives {@code hotShare} of the updates;
 *       the rest spread uniformly over all keys (the YCSB "hotspot" model).
 *   <li>{@link Kind#DELETE_MIXED}: in every block of ten events, four insert new documents (ids
 *       from {@code rows} up), three update documents not yet deleted, three delete documents (ids
 *       from 0 up, each once).
 * </ul>
 */
public final class BenchWorkload {

  /** A streamed workload. */
  public enum Kind {
    INSERT_ONLY("insert-only"),
    UPDATE_HOT("update-heavy"),
    DELETE_MIXED("delete-mixed");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** One source change: what happened to which document, and the document's new version. */
  public record Change(Operation operation, long id, int version) {}

  private final long rows;
  private final long hotKeys;
  private final double hotShare;
  private final long seed;
  private final long hotStride;

  /**
   * @param rows documents in the key space (and events per workload)
   * @param hotKeys documents in the hot set, at least 1
   * @param hotShare the share of update-heavy events that go to the hot set, 0 to 1
   */
  public BenchWorkload(long rows, long hotKeys, double hotShare, long seed) {
    if (rows < 10 || hotKeys < 1 || hotKeys > rows || hotShare < 0 || hotShare > 1) {
      throw new IllegalArgumentException(
          "need rows >= 10, 1 <= hotKeys <= rows and 0 <= hotShare <= 1; got rows="
              + rows
              + ", hotKeys="
              + hotKeys
              + ", hotShare="
              + hotShare);
    }
    this.rows = rows;
    this.hotKeys = hotKeys;
    this.hotShare = hotShare;
    this.seed = seed;
    this.hotStride = rows / hotKeys;
  }

  public long rows() {
    return rows;
  }

  public long hotKeys() {
    return hotKeys;
  }

  public double hotShare() {
    return hotShare;
  }

  /** Events in each workload: as many as there are rows. */
  public long events() {
    return rows;
  }

  /** True when document {@code id} belongs to the hot set of {@link Kind#UPDATE_HOT}. */
  public boolean isHot(long id) {
    return id < rows && id % hotStride == 0 && id / hotStride < hotKeys;
  }

  /** Event {@code index} (0-based) of a workload. */
  public Change change(Kind kind, long index) {
    switch (kind) {
      case INSERT_ONLY:
        return new Change(Operation.INSERT, index, 0);
      case UPDATE_HOT:
        return hotUpdate(index);
      case DELETE_MIXED:
        return mixed(index);
      default:
        throw new IllegalArgumentException("unknown workload " + kind);
    }
  }

  private Change hotUpdate(long index) {
    long r = BenchDocuments.mix(seed + 1, index);
    boolean hot = (r >>> 11) * 0x1.0p-53 < hotShare;
    long pick = Math.floorMod(BenchDocuments.mix(seed + 2, index), hot ? hotKeys : rows);
    long id = hot ? pick * hotStride : pick;
    return new Change(Operation.UPDATE, id, version(index));
  }

  private Change mixed(long index) {
    long block = index / 10;
    int slot = (int) (index % 10);
    if (slot < 4) {
      return new Change(Operation.INSERT, rows + block * 4 + slot, 0);
    }
    long deleted = block * 3; // deletes come last in a block: slots 7..9
    if (slot < 7) {
      long live = Math.max(1, rows - deleted);
      long id = deleted + Math.floorMod(BenchDocuments.mix(seed + 3, index), live);
      return new Change(Operation.UPDATE, Math.min(id, rows - 1), version(index));
    }
    return new Change(Operation.DELETE, Math.min(deleted + slot - 7, rows - 1), 0);
  }

  /** Updates get versions 1.. so that each update changes the document's content. */
  private static int version(long index) {
    return 1 + (int) (index % 1_000_000);
  }
}
