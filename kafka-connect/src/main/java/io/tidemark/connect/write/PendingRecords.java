package io.tidemark.connect.write;

import io.tidemark.sink.jdbc.write.LogPartition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Records a task accepted from the worker and has not written yet, so that several polls make one
 * transaction: a poll holds {@code max.poll.records} (500 by default), and a transaction of 500
 * rows spends much of its time on the round trips around them. They are written when they reach a
 * count or a size, or when the oldest has waited long enough.
 *
 * <p>Nothing here is committed, so nothing is lost when they are dropped (a task stopped, a
 * partition revoked or rewound): the offsets PostgreSQL holds stay before them, and whoever claims
 * the partition next reads them again from there.
 *
 * <p>The consumer hands a partition's records in offset order; a record at or below the last one
 * held for its partition was handed again (the worker rewound after a failed offset commit), and is
 * not held twice. One thread (a Connect task's).
 */
public final class PendingRecords {
  /** When the held records are written. */
  public record Limits(int maxRecords, long maxBytes, long lingerMillis) {
    /** Writes every poll at once: nothing is held. */
    public static final Limits NONE = new Limits(1, 1, 0);
  }

  // Counted for a record whose size is not known (a delete, a delta, one that did not decode).
  private static final int UNKNOWN_RECORD_BYTES = 256;

  private final Limits limits;
  private final List<ReadRecord> held = new ArrayList<>();
  private final Map<LogPartition, Long> lastHeld = new HashMap<>();
  private long bytes;
  private long oldestNanos;

  public PendingRecords(Limits limits) {
    this.limits = limits;
  }

  /**
   * The records not held yet: those at or below a partition's last held offset were handed again.
   */
  public List<ReadRecord> fresh(List<ReadRecord> records) {
    if (held.isEmpty()) {
      return records;
    }
    List<ReadRecord> fresh = new ArrayList<>(records.size());
    for (ReadRecord r : records) {
      Long last = lastHeld.get(r.partition());
      if (last == null || r.offset() > last) {
        fresh.add(r);
      }
    }
    return fresh;
  }

  /**
   * Holds {@code more} until they are due, and returns null; or, when with the held records they
   * reach a limit or the oldest has waited {@code lingerMillis}, returns them all to write, held
   * ones first, and holds nothing of {@code more} (call {@link #clear} once they are written: if
   * writing fails, the worker hands {@code more} again).
   */
  public List<ReadRecord> holdOrTake(List<ReadRecord> more, long nowNanos) {
    if (held.isEmpty() && more.isEmpty()) {
      return null;
    }
    long[] sizes = new long[more.size()];
    long moreBytes = 0;
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = sizeOf(more.get(i));
      moreBytes += sizes[i];
    }
    long oldest = held.isEmpty() ? nowNanos : oldestNanos;
    boolean due =
        held.size() + more.size() >= limits.maxRecords()
            || bytes + moreBytes >= limits.maxBytes()
            || nowNanos - oldest >= limits.lingerMillis() * 1_000_000L;
    if (due) {
      return held(more);
    }
    if (held.isEmpty()) {
      oldestNanos = nowNanos;
    }
    for (int i = 0; i < sizes.length; i++) {
      add(more.get(i), sizes[i]);
    }
    return null;
  }

  /** The held records, oldest first, with {@code more} after them. */
  private List<ReadRecord> held(List<ReadRecord> more) {
    if (held.isEmpty()) {
      return more;
    }
    List<ReadRecord> all = new ArrayList<>(held.size() + more.size());
    all.addAll(held);
    all.addAll(more);
    return all;
  }

  /** How long until the oldest held record is due by age, in milliseconds; 0 when none is held. */
  public long millisUntilDue(long nowNanos) {
    if (held.isEmpty()) {
      return 0;
    }
    long waited = (nowNanos - oldestNanos) / 1_000_000L;
    return Math.max(1, limits.lingerMillis() - waited);
  }

  /** Forgets every held record: they were written, or are left to be read again. */
  public void clear() {
    held.clear();
    lastHeld.clear();
    bytes = 0;
  }

  /** Forgets the held records of these partitions (revoked, or rewound to be read again). */
  public void drop(Set<LogPartition> partitions) {
    if (held.isEmpty() || partitions.isEmpty()) {
      return;
    }
    List<ReadRecord> kept = new ArrayList<>(held.size());
    for (ReadRecord r : held) {
      if (!partitions.contains(r.partition())) {
        kept.add(r);
      }
    }
    clear();
    for (ReadRecord r : kept) {
      add(r, sizeOf(r));
    }
  }

  /** The held records, oldest first: what an offset commit writes. */
  public List<ReadRecord> held() {
    return List.copyOf(held);
  }

  public int size() {
    return held.size();
  }

  public long bytes() {
    return bytes;
  }

  private void add(ReadRecord r, long size) {
    held.add(r);
    bytes += size;
    lastHeld.put(r.partition(), r.offset());
  }

  private static long sizeOf(ReadRecord r) {
    if (r.change() != null && r.change().bson() != null) {
      return r.change().bson().getByteBuffer().remaining();
    }
    return UNKNOWN_RECORD_BYTES;
  }
}
