package io.tidemark.connect.write;

import io.tidemark.sink.jdbc.write.LogPartition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cuts a batch of records into transactions, one collection each, such that each partition's
 * records are committed in their order and each transaction covers, for each of its partitions, a
 * contiguous run of offsets (what the partition's offset row can record).
 *
 * <p>A partition's records are cut into runs of one collection; the first runs of all partitions
 * form the first steps (one per collection), their second runs the next, and so on. When each
 * partition carries one collection, as with a topic per collection, that is one transaction per
 * collection; a topic carrying a whole database's changes takes one per change of collection.
 */
final class BatchPlan {
  private BatchPlan() {}

  /** One transaction: one collection's records, from one or more partitions. */
  record Step(String collection, List<ReadRecord> records) {}

  static List<Step> plan(List<ReadRecord> records) {
    Map<LogPartition, List<List<ReadRecord>>> runs = new LinkedHashMap<>();
    for (ReadRecord record : records) {
      List<List<ReadRecord>> own = runs.computeIfAbsent(record.partition(), p -> new ArrayList<>());
      List<ReadRecord> last = own.isEmpty() ? null : own.get(own.size() - 1);
      if (last == null || !last.get(0).collection().equals(record.collection())) {
        last = new ArrayList<>();
        own.add(last);
      }
      last.add(record);
    }
    List<Step> steps = new ArrayList<>();
    for (int round = 0; ; round++) {
      Map<String, List<ReadRecord>> byCollection = new LinkedHashMap<>();
      for (List<List<ReadRecord>> own : runs.values()) {
        if (round < own.size()) {
          List<ReadRecord> run = own.get(round);
          byCollection.computeIfAbsent(run.get(0).collection(), c -> new ArrayList<>()).addAll(run);
        }
      }
      if (byCollection.isEmpty()) {
        return steps;
      }
      byCollection.forEach((collection, rs) -> steps.add(new Step(collection, rs)));
    }
  }
}
