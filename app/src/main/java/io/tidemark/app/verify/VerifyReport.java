package io.tidemark.app.verify;

import java.util.List;

/** What one verify run found, per collection. */
public record VerifyReport(String pipeline, boolean repair, List<CollectionResult> collections) {

  public VerifyReport {
    collections = List.copyOf(collections);
  }

  public long differences() {
    return collections.stream().mapToLong(CollectionResult::differences).sum();
  }

  /** True when every table equals its collection. */
  public boolean identical() {
    return collections.stream().allMatch(CollectionResult::identical);
  }

  /** True when every table equals its collection now: nothing differed, or all was repaired. */
  public boolean clean() {
    return collections.stream().allMatch(CollectionResult::clean);
  }
}
