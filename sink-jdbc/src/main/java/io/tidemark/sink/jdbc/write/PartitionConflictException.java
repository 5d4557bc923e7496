package io.tidemark.sink.jdbc.write;

import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A batch was rolled back because a partition's row no longer matched what its writer believed:
 * another writer claimed it since (a higher epoch: the writer is a zombie and must stop writing the
 * partition), or the offsets were already committed (a retry after a commit whose outcome was
 * unknown: the records below the stored offset must be dropped). Nothing of the batch is committed.
 */
public final class PartitionConflictException extends TidemarkException {
  private static final long serialVersionUID = 1L;

  private final transient List<PartitionClaim> stored;

  PartitionConflictException(String pipeline, List<PartitionConflict> conflicts) {
    super(ErrorCode.LOCK_HELD, describe(pipeline, conflicts));
    this.stored = conflicts.stream().map(PartitionConflict::stored).toList();
  }

  /** The rows of the partitions in conflict, as stored. */
  public List<PartitionClaim> stored() {
    return List.copyOf(stored);
  }

  /** What the writer wrote and what was stored. */
  record PartitionConflict(PartitionAdvance attempted, PartitionClaim stored) {
    String describe() {
      if (stored.epoch() != attempted.epoch()) {
        return "partition "
            + attempted.partition()
            + " was claimed by "
            + stored.owner()
            + " with epoch "
            + stored.epoch()
            + " while this writer holds epoch "
            + attempted.epoch()
            + " (a rebalance moved it)";
      }
      return "partition "
          + attempted.partition()
          + " is committed up to offset "
          + stored.nextOffset()
          + ", past this batch's first offset "
          + attempted.firstOffset()
          + " (its records are applied already)";
    }
  }

  private static String describe(String pipeline, List<PartitionConflict> conflicts) {
    return "Pipeline '"
        + pipeline
        + "': batch rolled back, nothing of it committed: "
        + conflicts.stream().map(PartitionConflict::describe).collect(Collectors.joining("; "))
        + ".";
  }
}
