package io.tidemark.sink.jdbc.write;

/**
 * A partition's row in the metadata as its owner sees it.
 *
 * @param epoch the owner's epoch: every write of the partition must carry it
 * @param nextOffset the offset of the next record to apply; null when nothing has been committed
 *     from this partition yet
 * @param recordsApplied records committed from this partition over its whole life
 * @param owner who claimed it last (a Connect task's name)
 */
public record PartitionClaim(
    LogPartition partition, long epoch, Long nextOffset, long recordsApplied, String owner) {

  /** Whether the record at {@code offset} is already applied. */
  public boolean covers(long offset) {
    return nextOffset != null && offset < nextOffset;
  }
}
