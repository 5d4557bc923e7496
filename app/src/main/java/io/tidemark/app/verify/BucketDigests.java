package io.tidemark.app.verify;

import io.tidemark.core.spi.TableScanner;

/**
 * Per bucket: how many rows and the sum of their {@link RowHash}es. Adding is order-independent, so
 * each side is read in whatever order is cheapest for it. Memory: 20 bytes per bucket. Not
 * thread-safe; one per side.
 */
final class BucketDigests {
  private final int bits;
  private final long[] counts;
  private final long[] highs;
  private final long[] lows;
  private long total;

  BucketDigests(int bits) {
    this.bits = bits;
    int n = 1 << bits;
    this.counts = new long[n];
    this.highs = new long[n];
    this.lows = new long[n];
  }

  int bits() {
    return bits;
  }

  void add(String key, RowHash hash) {
    int b = TableScanner.bucketOf(key, bits);
    counts[b]++;
    highs[b] += hash.high();
    lows[b] += hash.low();
    total++;
  }

  long total() {
    return total;
  }

  long count(int bucket) {
    return counts[bucket];
  }

  /** The buckets whose rows differ from the other side's, in ascending order. */
  int[] differing(BucketDigests other) {
    int n = 0;
    int[] out = new int[counts.length];
    for (int b = 0; b < counts.length; b++) {
      if (counts[b] != other.counts[b] || highs[b] != other.highs[b] || lows[b] != other.lows[b]) {
        out[n++] = b;
      }
    }
    return java.util.Arrays.copyOf(out, n);
  }
}
