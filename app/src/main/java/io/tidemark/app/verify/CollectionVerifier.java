package io.tidemark.app.verify;

import io.tidemark.app.verify.CollectionDocuments.Expected;
import io.tidemark.app.verify.Difference.Kind;
import io.tidemark.core.event.DocumentKey;
import io.tidemark.core.spi.RowChange;
import io.tidemark.core.spi.TableScanner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compares one collection with its table in bounded memory:
 *
 * <ol>
 *   <li>both sides are read once, each row hashed (key + comparable cells) into one of {@code 2^n}
 *       buckets by the MD5 of its key text, and each bucket's count and hash sum kept — the sums do
 *       not depend on read order, so MongoDB's BSON {@code _id} order and the table's text order
 *       never need to agree;
 *   <li>only buckets whose digests differ are read again, a group of buckets at a time (at most
 *       {@link VerifyOptions#maxKeysInMemory()} keys per side), to find the candidate keys;
 *   <li>candidates are read once more by key from both sides and compared, so a change that arrived
 *       between the passes is not reported; what still differs is a difference, and with --repair
 *       it is re-copied at once.
 * </ol>
 *
 * Not thread-safe; one per collection and run.
 */
final class CollectionVerifier {
  /** Rows per bucket aimed at: small enough that one differing bucket is cheap to re-read. */
  private static final long ROWS_PER_BUCKET = 2000;

  private static final int MIN_BUCKET_BITS = 8;
  private static final int CONFIRM_BATCH = 500;

  private final CollectionDocuments documents;
  private final TableScanner table;
  private final VerifyOptions options;
  private final Repairer repairer;

  private final List<Difference> examples = new ArrayList<>();
  private long missing;
  private long extra;
  private long different;
  private long upserted;
  private long deleted;

  /** Writes repairs for one collection. */
  @FunctionalInterface
  interface Repairer {
    void apply(List<RowChange> changes);
  }

  /**
   * @param repairer null to only report
   */
  CollectionVerifier(
      CollectionDocuments documents, TableScanner table, VerifyOptions options, Repairer repairer) {
    this.documents = documents;
    this.table = table;
    this.options = options;
    this.repairer = repairer;
  }

  /** Counts, bucket digests, drill-down, confirmation: see the class comment. */
  Outcome compare() throws InterruptedException {
    int bits = bucketBits(documents.estimatedCount());
    BucketDigests expected = new BucketDigests(bits);
    BucketDigests actual = new BucketDigests(bits);
    long[] unmappable = new long[1];
    inParallel(
        () ->
            documents.scan(
                (key, cells) -> {
                  if (cells == null) {
                    unmappable[0]++;
                  } else {
                    expected.add(key, RowHash.of(key, cells));
                  }
                }),
        () -> table.scan((key, cells) -> actual.add(key, RowHash.of(key, cells))));
    int[] differing = expected.differing(actual);
    for (int[] group : groups(differing, expected, actual)) {
      drill(bits, group);
    }
    return new Outcome(
        expected.total() + unmappable[0],
        actual.total(),
        unmappable[0],
        missing,
        extra,
        different,
        examples,
        upserted,
        deleted);
  }

  /** What {@link #compare()} found and repaired. */
  record Outcome(
      long documents,
      long rows,
      long unmappable,
      long missing,
      long extra,
      long different,
      List<Difference> examples,
      long upserted,
      long deleted) {}

  /** Enough bucket bits for about {@link #ROWS_PER_BUCKET} rows each, between 8 and 16. */
  static int bucketBits(long estimatedRows) {
    int bits = MIN_BUCKET_BITS;
    while (bits < TableScanner.MAX_BUCKET_BITS && (estimatedRows >> bits) > ROWS_PER_BUCKET) {
      bits++;
    }
    return bits;
  }

  /** Splits the differing buckets into groups that each fit the key budget. */
  private List<int[]> groups(int[] buckets, BucketDigests expected, BucketDigests actual) {
    List<int[]> out = new ArrayList<>();
    List<Integer> current = new ArrayList<>();
    long weight = 0;
    for (int b : buckets) {
      long w = Math.max(expected.count(b), actual.count(b));
      if (!current.isEmpty() && weight + w > options.maxKeysInMemory()) {
        out.add(current.stream().mapToInt(Integer::intValue).toArray());
        current.clear();
        weight = 0;
      }
      current.add(b);
      weight += w;
    }
    if (!current.isEmpty()) {
      out.add(current.stream().mapToInt(Integer::intValue).toArray());
    }
    return out;
  }

  /** Reads the group's buckets from both sides and confirms the keys whose rows differ. */
  private void drill(int bits, int[] group) throws InterruptedException {
    boolean[] inGroup = new boolean[1 << bits];
    for (int b : group) {
      inGroup[b] = true;
    }
    Map<String, RowHash> expectedRows = new HashMap<>();
    Map<String, RowHash> actualRows = new HashMap<>();
    inParallel(
        () ->
            documents.scan(
                (key, cells) -> {
                  if (cells != null && inGroup[TableScanner.bucketOf(key, bits)]) {
                    expectedRows.put(key, RowHash.of(key, cells));
                  }
                }),
        () ->
            table.scanBuckets(
                bits, group, (key, cells) -> actualRows.put(key, RowHash.of(key, cells))));
    List<String> candidates = new ArrayList<>();
    for (Map.Entry<String, RowHash> e : expectedRows.entrySet()) {
      RowHash actual = actualRows.remove(e.getKey());
      if (!e.getValue().equals(actual)) {
        candidates.add(e.getKey());
      }
    }
    candidates.addAll(actualRows.keySet());
    Collections.sort(candidates);
    for (int from = 0; from < candidates.size(); from += CONFIRM_BATCH) {
      confirm(candidates.subList(from, Math.min(candidates.size(), from + CONFIRM_BATCH)));
    }
  }

  /** Reads the candidates again by key from both sides; what still differs is reported. */
  private void confirm(List<String> keys) {
    Map<String, Expected> expected = documents.fetch(keys);
    Map<String, String[]> actual = table.fetch(keys);
    List<RowChange> repairs = new ArrayList<>();
    for (String key : keys) {
      Expected e = expected.get(key);
      String[] a = actual.get(key);
      if (e != null && e.row() != null) {
        if (a == null) {
          found(new Difference(key, Kind.MISSING_IN_TABLE, "no row for the document"));
          repairs.add(new RowChange.Upsert(e.row()));
        } else if (!Arrays.equals(e.cells(), a)) {
          found(
              new Difference(
                  key,
                  Kind.DIFFERENT,
                  "columns differ: " + String.join(", ", differingCells(e.cells(), a))));
          repairs.add(new RowChange.Upsert(e.row()));
        }
      } else if (a != null) {
        found(
            new Difference(
                key,
                Kind.EXTRA_IN_TABLE,
                e == null
                    ? "no document with this key"
                    : "the document cannot be mapped: " + e.rejection()));
        repairs.add(new RowChange.Delete(new DocumentKey(key)));
      }
    }
    if (repairer != null && !repairs.isEmpty()) {
      repairer.apply(repairs);
      for (RowChange r : repairs) {
        if (r instanceof RowChange.Delete) {
          deleted++;
        } else {
          upserted++;
        }
      }
    }
  }

  /** The names of the cells that differ, for the report. */
  private List<String> differingCells(String[] expected, String[] actual) {
    List<String> names = table.cellNames();
    List<String> out = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      if (!Objects.equals(expected[i], actual[i])) {
        out.add(names.get(i));
      }
    }
    return out;
  }

  private void found(Difference d) {
    switch (d.kind()) {
      case MISSING_IN_TABLE -> missing++;
      case EXTRA_IN_TABLE -> extra++;
      case DIFFERENT -> different++;
    }
    if (examples.size() < options.maxExamples()) {
      examples.add(d);
    }
  }

  /**
   * Reads the collection on this thread and the table on another, at the same time: each side's
   * read takes as long as the other's, so together they take half.
   */
  private static void inParallel(Runnable collection, Runnable table) throws InterruptedException {
    RuntimeException[] failure = new RuntimeException[1];
    Thread t =
        new Thread(
            () -> {
              try {
                table.run();
              } catch (RuntimeException e) {
                failure[0] = e;
              }
            },
            "tidemark-verify-table");
    t.setDaemon(true);
    t.start();
    try {
      collection.run();
    } finally {
      t.join();
    }
    if (failure[0] != null) {
      throw failure[0];
    }
  }
}
