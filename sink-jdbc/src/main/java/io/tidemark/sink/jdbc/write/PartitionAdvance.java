package io.tidemark.sink.jdbc.write;

/**
 * One partition's part in a batch: the records at offsets {@code firstOffset} up to {@code
 * nextOffset - 1} produced the batch's changes, and the partition's row moves to {@code nextOffset}
 * in the batch's transaction.
 *
 * @param epoch the epoch the writer claimed the partition with
 * @param records how many records those are (fewer than the offsets' span where the log has gaps)
 */
public record PartitionAdvance(
    LogPartition partition, long epoch, long firstOffset, long nextOffset, long records) {

  public PartitionAdvance {
    if (nextOffset <= firstOffset || records <= 0 || records > nextOffset - firstOffset) {
      throw new IllegalArgumentException(
          "partition "
              + partition
              + ": offsets "
              + firstOffset
              + " to "
              + nextOffset
              + " cannot hold "
              + records
              + " records");
    }
  }
}
