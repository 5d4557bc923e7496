package io.tidemark.it.campaign;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.conversions.Bson;

/**
 * One collection of the campaign's workload and the model of what it must hold: for every live
 * document its key {@code k} (a string that stays with the {@code _id}, also across a delete and a
 * re-insert) and the {@code counter} its writes left. Subclasses give the {@code _id}s, the other
 * fields and the operations of their own ({@code $push}/{@code $pull}, a drifting type).
 *
 * <p>Written from one thread only (MONGO-NOTES.md: the stand-in's insert and its oplog entry are
 * not atomic against writes from other connections); the expected counters may be read once the
 * writes have stopped.
 */
abstract class ModelCollection {
  /** Operations every collection has, with their weights out of {@link #TOTAL_WEIGHT}. */
  private static final String[] COMMON = {
    "insert", "reinsert", "inc", "set", "unset", "replace", "delete", "own"
  };

  private static final int[] WEIGHTS = {12, 4, 38, 12, 5, 8, 8, 13};
  private static final int TOTAL_WEIGHT = 100;

  final String name;
  final Random random;
  private final MongoCollection<BsonDocument> collection;
  private final List<BsonValue> liveIds = new ArrayList<>();
  private final Map<BsonValue, Integer> position = new HashMap<>();
  private final Map<BsonValue, String> keys = new HashMap<>();
  private final Map<BsonValue, Long> counters = new HashMap<>();
  private final List<BsonValue> deleted = new ArrayList<>();
  private int created;

  ModelCollection(String name, MongoCollection<BsonDocument> collection, Random random) {
    this.name = name;
    this.collection = collection;
    this.random = random;
  }

  /** The {@code _id} of the {@code n}-th document ever created here. */
  abstract BsonValue newId(int n);

  /** The fields of a new or replacing document, other than {@code _id}, {@code k}, counter. */
  abstract BsonDocument body();

  /** Values for a {@code $set}; may use paths into arrays and sub-documents. */
  abstract BsonDocument setFields();

  /** A field for a {@code $unset}, never {@code k} or {@code counter}. */
  abstract String unsetField();

  /**
   * An operation of this collection's own on a live document, as a label for the history, or null
   * when it has none.
   */
  abstract String ownOperation(BsonValue id);

  /** This collection's entry under {@code collections:} in the daemon's YAML. */
  abstract String yaml(String onHistoryLost);

  /** A query of the sink returning each row's {@code k} and counter as text. */
  abstract String counterQuery();

  MongoCollection<BsonDocument> collection() {
    return collection;
  }

  /** Inserts {@code count} new documents, in batches. */
  void seed(int count) {
    List<BsonDocument> batch = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      batch.add(newDocument(freshId(), 0));
      if (batch.size() == 1000) {
        collection.insertMany(batch);
        batch.clear();
      }
    }
    if (!batch.isEmpty()) {
      collection.insertMany(batch);
    }
  }

  /** One random write; returns what it did, for the history. */
  String step() {
    int dice = random.nextInt(TOTAL_WEIGHT);
    String op = COMMON[COMMON.length - 1];
    for (int i = 0, sum = 0; i < WEIGHTS.length; i++) {
      sum += WEIGHTS[i];
      if (dice < sum) {
        op = COMMON[i];
        break;
      }
    }
    if (liveIds.isEmpty() || op.equals("insert")) {
      BsonValue id = freshId();
      collection.insertOne(newDocument(id, 0));
      return "insert " + describe(id);
    }
    if (op.equals("reinsert") && !deleted.isEmpty()) {
      BsonValue id = deleted.remove(random.nextInt(deleted.size()));
      live(id, keys.get(id), 0);
      collection.insertOne(newDocument(id, 0));
      return "reinsert " + describe(id);
    }
    BsonValue id = liveIds.get(random.nextInt(liveIds.size()));
    Bson filter = Filters.eq("_id", id);
    switch (op) {
      case "inc" -> {
        collection.updateOne(filter, Updates.inc("counter", 1));
        counters.merge(id, 1L, Long::sum);
        return "inc " + describe(id) + " counter=" + counters.get(id);
      }
      case "set" -> {
        BsonDocument values = setFields();
        collection.updateOne(filter, new BsonDocument("$set", values));
        return "set " + describe(id) + " " + values.keySet();
      }
      case "unset" -> {
        String field = unsetField();
        collection.updateOne(filter, Updates.unset(field));
        return "unset " + describe(id) + " " + field;
      }
      case "replace" -> {
        long counter = random.nextInt(1000);
        collection.replaceOne(filter, newDocument(id, counter));
        counters.put(id, counter);
        return "replace " + describe(id) + " counter=" + counter;
      }
      case "delete" -> {
        collection.deleteOne(filter);
        dead(id);
        return "delete " + describe(id);
      }
      default -> {
        String own = ownOperation(id);
        if (own != null) {
          return own;
        }
        collection.updateOne(filter, Updates.inc("counter", 1));
        counters.merge(id, 1L, Long::sum);
        return "inc " + describe(id) + " counter=" + counters.get(id);
      }
    }
  }

  /** The counter every live document must have, by {@code k}. */
  Map<String, Long> expectedCounters() {
    Map<String, Long> out = new HashMap<>();
    for (BsonValue id : liveIds) {
      out.put(keys.get(id), counters.get(id));
    }
    return out;
  }

  int liveDocuments() {
    return liveIds.size();
  }

  /** {@code {"_id": …}} as Extended JSON, for the history. */
  static String describe(BsonValue id) {
    return new BsonDocument("_id", id).toJson();
  }

  private BsonValue freshId() {
    int n = created++;
    BsonValue id = newId(n);
    live(id, name + "-" + n, 0);
    return id;
  }

  private BsonDocument newDocument(BsonValue id, long counter) {
    BsonDocument doc =
        new BsonDocument("_id", id)
            .append("k", new BsonString(keys.get(id)))
            .append("counter", new BsonInt64(counter));
    doc.putAll(body());
    return doc;
  }

  private void live(BsonValue id, String key, long counter) {
    keys.put(id, key);
    counters.put(id, counter);
    position.put(id, liveIds.size());
    liveIds.add(id);
  }

  private void dead(BsonValue id) {
    int at = position.remove(id);
    BsonValue last = liveIds.remove(liveIds.size() - 1);
    if (!last.equals(id)) {
      liveIds.set(at, last);
      position.put(last, at);
    }
    counters.remove(id);
    deleted.add(id);
  }
}
