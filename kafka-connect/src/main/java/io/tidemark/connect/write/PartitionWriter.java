package io.tidemark.connect.write;

import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.pipeline.RowChanges;
import io.tidemark.core.spi.ChangeSink.Target;
import io.tidemark.core.spi.RowChange;
import io.tidemark.core.spi.TableSink;
import io.tidemark.sink.jdbc.write.JdbcChangeSink;
import io.tidemark.sink.jdbc.write.LogPartition;
import io.tidemark.sink.jdbc.write.PartitionAdvance;
import io.tidemark.sink.jdbc.write.PartitionClaim;
import io.tidemark.sink.jdbc.write.PartitionConflictException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies decoded records to their collections' tables exactly once: each transaction carries the
 * rows and the next offset of every partition its records came from, under the epoch this writer
 * claimed each partition with ({@link JdbcChangeSink#applyPartitionBatch}). Knows nothing of Kafka
 * beyond partitions and offsets, so that it is tested without a cluster.
 *
 * <p>Records below a partition's committed offset are dropped (the consumer may hand them again
 * after a retry or a rewind). When a transaction finds a partition claimed by another writer (a
 * rebalance moved it), this writer forgets the partition and drops its records: the new owner reads
 * them again from the committed offset. When it finds the offsets already committed (a commit whose
 * outcome was unknown did commit), it moves on from there.
 *
 * <p>One thread at a time (a Connect task's).
 */
public final class PartitionWriter {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionWriter.class);

  /** Conflicts resolved within one batch before giving up: each one drops or skips records. */
  private static final int MAX_CONFLICTS_PER_BATCH = 16;

  private final JdbcChangeSink sink;
  private final String owner;
  private final boolean bulkSnapshots;
  private final Map<String, TableSink> tables = new HashMap<>();
  private final Map<String, ChangeFolder> folders = new HashMap<>();
  private final Map<LogPartition, PartitionClaim> owned = new TreeMap<>();
  private final WriteCounters counters;

  /**
   * Opens (creates or checks) the tables of every collection.
   *
   * @param owner this writer's name in the partitions' rows (a Connect task's)
   * @param bulkSnapshots write runs of a connector's initial-copy records by bulk load first
   */
  public PartitionWriter(
      JdbcChangeSink sink,
      List<TableMapping> collections,
      String owner,
      boolean bulkSnapshots,
      WriteCounters counters) {
    this.sink = sink;
    this.owner = owner;
    this.bulkSnapshots = bulkSnapshots;
    this.counters = counters;
    for (TableMapping mapping : collections) {
      TableSink table = sink.open(mapping, Target.LIVE);
      tables.put(mapping.collection(), table);
      folders.put(
          mapping.collection(),
          new ChangeFolder(sink, table, new RowChanges(mapping, sink.valueEncoding()), counters));
    }
  }

  /**
   * Takes the partitions over with new epochs, which fences their earlier owners, and returns where
   * each is committed up to.
   */
  public Map<LogPartition, PartitionClaim> claim(Collection<LogPartition> partitions) {
    Map<LogPartition, PartitionClaim> claimed = new TreeMap<>();
    for (PartitionClaim claim : sink.claimPartitions(partitions, owner)) {
      owned.put(claim.partition(), claim);
      claimed.put(claim.partition(), claim);
    }
    LOG.info("{} claimed {}", owner, describe(claimed.values()));
    return claimed;
  }

  /** Forgets partitions this writer no longer owns. */
  public void release(Collection<LogPartition> partitions) {
    partitions.forEach(owned::remove);
  }

  /** The next offset to read of each owned partition that has committed records. */
  public Map<LogPartition, Long> committedOffsets() {
    Map<LogPartition, Long> offsets = new TreeMap<>();
    owned.forEach(
        (p, claim) -> {
          if (claim.nextOffset() != null) {
            offsets.put(p, claim.nextOffset());
          }
        });
    return offsets;
  }

  /**
   * Applies the records, in their partitions' order.
   *
   * @throws TidemarkException retriable when the database could not be reached (run the same
   *     records again later: what is committed is skipped), or not, naming collection, record and
   *     {@code _id}, when a record cannot be applied and its collection's {@code onError} is fail
   */
  public void write(List<ReadRecord> records) {
    int conflicts = 0;
    for (BatchPlan.Step step : BatchPlan.plan(records)) {
      while (true) {
        List<ReadRecord> pending = uncommitted(step.records());
        if (pending.isEmpty()) {
          break;
        }
        try {
          apply(step.collection(), pending);
          break;
        } catch (PartitionConflictException e) {
          if (++conflicts > MAX_CONFLICTS_PER_BATCH) {
            throw e;
          }
          resolve(e);
        }
      }
    }
  }

  private List<ReadRecord> uncommitted(List<ReadRecord> records) {
    List<ReadRecord> pending = new ArrayList<>(records.size());
    for (ReadRecord r : records) {
      PartitionClaim claim = owned.get(r.partition());
      if (claim == null) {
        counters.droppedNotOwned(1);
      } else if (claim.covers(r.offset())) {
        counters.skippedCommitted(1);
      } else {
        pending.add(r);
      }
    }
    return pending;
  }

  private void apply(String collection, List<ReadRecord> records) {
    TableSink table = tables.get(collection);
    if (table == null) {
      ReadRecord first = records.get(0);
      throw new TidemarkException(
          ErrorCode.CONFIG_INVALID,
          "Record "
              + first.where()
              + " is a change of collection '"
              + collection
              + "', which the configuration does not list (it lists "
              + tables.keySet().stream().sorted().toList()
              + "). Add the collection to collections, or name the topic's collection in"
              + " topic.collections.");
    }
    Map<LogPartition, long[]> spans = new LinkedHashMap<>(); // first, last, count
    boolean allSnapshot = bulkSnapshots;
    for (ReadRecord r : records) {
      long[] span = spans.computeIfAbsent(r.partition(), p -> new long[] {r.offset(), 0, 0});
      span[1] = r.offset();
      span[2]++;
      allSnapshot &= r.change() != null && r.change().snapshot();
    }
    List<RowChange> changes = folders.get(collection).fold(records);
    List<PartitionAdvance> advances = new ArrayList<>(spans.size());
    spans.forEach(
        (p, span) ->
            advances.add(
                new PartitionAdvance(p, owned.get(p).epoch(), span[0], span[1] + 1, span[2])));
    boolean bulk = sink.applyPartitionBatch(table, changes, advances, allSnapshot);
    for (PartitionAdvance a : advances) {
      PartitionClaim was = owned.get(a.partition());
      owned.put(
          a.partition(),
          new PartitionClaim(
              a.partition(),
              was.epoch(),
              a.nextOffset(),
              was.recordsApplied() + a.records(),
              owner));
    }
    counters.applied(records.size(), changes.size(), bulk);
  }

  private void resolve(PartitionConflictException conflict) {
    for (PartitionClaim stored : conflict.stored()) {
      PartitionClaim mine = owned.get(stored.partition());
      if (mine == null) {
        continue;
      }
      if (stored.epoch() != mine.epoch()) {
        owned.remove(stored.partition());
        counters.fenced(1);
        LOG.warn(
            "{} no longer owns partition {}: {} claimed it (epoch {}, this task's {}); its records"
                + " are left to the new owner, which reads them from offset {}",
            owner,
            stored.partition(),
            stored.owner(),
            stored.epoch(),
            mine.epoch(),
            stored.nextOffset());
      } else {
        owned.put(stored.partition(), stored);
        LOG.info(
            "partition {} is committed up to offset {} already (a commit whose outcome was"
                + " unknown went through); going on from there",
            stored.partition(),
            stored.nextOffset());
      }
    }
  }

  private static String describe(Collection<PartitionClaim> claims) {
    List<String> parts = new ArrayList<>();
    for (PartitionClaim c : claims) {
      parts.add(
          c.partition()
              + " (epoch "
              + c.epoch()
              + ", "
              + (c.nextOffset() == null ? "nothing committed" : "from offset " + c.nextOffset())
              + ")");
    }
    return parts.isEmpty() ? "no partitions" : String.join(", ", parts);
  }
}
