package io.tidemark.source.mongo.snapshot;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import io.tidemark.source.mongo.convert.BsonValues;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits a collection into {@code _id} ranges of about equal size for a parallel copy.
 *
 * <p>First choice: a random sample of {@code _id}s ({@code $sample}, cheap on WiredTiger), sorted
 * by the server in {@code _id} order, cut at even intervals. Fallback, when the server refuses the
 * sample: page through the {@code _id} index with {@code skip}, one query per boundary (exact, but
 * each query walks the index up to its boundary). The boundaries only balance the work: any split
 * is correct, because the ranges always cover every key exactly once.
 */
public final class MongoKeySplitter {
  private static final Logger LOG = LoggerFactory.getLogger(MongoKeySplitter.class);

  /** Sampled keys per range: enough that the cut points land near the true quantiles. */
  private static final int SAMPLES_PER_RANGE = 32;

  private final MongoCollection<RawBsonDocument> collection;

  public MongoKeySplitter(MongoCollection<RawBsonDocument> collection) {
    this.collection = collection;
  }

  /**
   * Up to {@code ranges - 1} split keys in {@code _id} order, as canonical Extended JSON, for a
   * collection of about {@code count} documents; empty when there is nothing worth splitting.
   */
  public List<String> splitKeys(int ranges, long count) {
    if (ranges < 2 || count < 2L * ranges) {
      return List.of();
    }
    try {
      return sampled(ranges, count);
    } catch (MongoException e) {
      LOG.warn(
          "{}: sampling _ids for a parallel copy failed ({}); splitting by paging through the _id"
              + " index instead",
          collection.getNamespace().getCollectionName(),
          e.getMessage());
      return paged(ranges, count);
    }
  }

  /** Split keys from a sorted random sample of {@code _id}s. */
  public List<String> sampled(int ranges, long count) {
    int size = (int) Math.min(count, (long) ranges * SAMPLES_PER_RANGE);
    List<BsonValue> sample = new ArrayList<>(size);
    for (RawBsonDocument d :
        collection.aggregate(
            List.of(
                Aggregates.sample(size),
                Aggregates.project(Projections.include("_id")),
                Aggregates.sort(Sorts.ascending("_id"))))) {
      sample.add(d.get("_id"));
    }
    List<BsonValue> cuts = new ArrayList<>();
    for (int i = 1; i < ranges; i++) {
      int at = (int) ((long) i * sample.size() / ranges);
      if (at > 0 && at <= sample.size()) {
        cuts.add(sample.get(at - 1));
      }
    }
    return distinct(cuts);
  }

  /** Split keys found by skipping through the {@code _id} index, one query per boundary. */
  public List<String> paged(int ranges, long count) {
    List<BsonValue> cuts = new ArrayList<>();
    for (int i = 1; i < ranges; i++) {
      long skip = i * count / ranges - 1;
      RawBsonDocument d =
          collection
              .find(new BsonDocument())
              .projection(Projections.include("_id"))
              .sort(Sorts.ascending("_id"))
              .skip((int) Math.min(Integer.MAX_VALUE, skip))
              .limit(1)
              .first();
      if (d == null) {
        break; // the collection shrank since it was counted: fewer ranges
      }
      cuts.add(d.get("_id"));
    }
    return distinct(cuts);
  }

  /** The keys as marks, without repeats (a repeat would make an empty range). */
  private static List<String> distinct(List<BsonValue> sortedKeys) {
    List<String> marks = new ArrayList<>();
    for (BsonValue key : sortedKeys) {
      String mark = BsonValues.toJson(key, BsonValues.CANONICAL);
      if (marks.isEmpty() || !marks.get(marks.size() - 1).equals(mark)) {
        marks.add(mark);
      }
    }
    return marks;
  }
}
