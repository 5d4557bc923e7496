package io.tidemark.app.verify;

/**
 * How verify runs.
 *
 * @param collection the one collection to verify, or null for all
 * @param repair re-copy the differing keys through the sink (only while no daemon runs)
 * @param maxExamples how many differing keys to report per collection
 * @param maxKeysInMemory most keys per side held at once while drilling into differing buckets;
 *     more differences are handled in further passes
 */
public record VerifyOptions(
    String collection, boolean repair, int maxExamples, int maxKeysInMemory) {

  public static final int DEFAULT_MAX_EXAMPLES = 20;
  public static final int DEFAULT_MAX_KEYS_IN_MEMORY = 100_000;

  public VerifyOptions {
    if (maxExamples < 0) {
      throw new IllegalArgumentException("maxExamples must be >= 0: " + maxExamples);
    }
    if (maxKeysInMemory < 1) {
      throw new IllegalArgumentException("maxKeysInMemory must be >= 1: " + maxKeysInMemory);
    }
  }

  public static VerifyOptions defaults() {
    return new VerifyOptions(null, false, DEFAULT_MAX_EXAMPLES, DEFAULT_MAX_KEYS_IN_MEMORY);
  }
}
