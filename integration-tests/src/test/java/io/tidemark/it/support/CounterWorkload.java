package io.tidemark.it.support;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bson.Document;

/**
 * A deterministic write workload over documents with {@code $inc} counters: a change applied twice
 * or skipped shows as a wrong counter. Call it from one thread only (see MONGO-NOTES.md).
 */
public final class CounterWorkload {
  private final MongoCollection<Document> collection;
  private final Random random;
  private final List<Integer> live = new ArrayList<>();
  private final Map<Integer, Integer> counters = new HashMap<>();
  private int nextId;
  private long writes;
  private long deletes;

  public CounterWorkload(MongoCollection<Document> collection, long seed) {
    this.collection = collection;
    this.random = new Random(seed);
  }

  public Document document(int id) {
    return new Document("_id", id)
        .append("counter", 0)
        .append("name", "item-" + id)
        .append("nested", new Document("a", random.nextInt(1000)).append("tags", List.of("x", "y")))
        .append("created", new Date(1_700_000_000_000L + id));
  }

  public void seed(int count) {
    List<Document> batch = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      batch.add(document(nextId));
      counters.put(nextId, 0);
      live.add(nextId++);
      if (batch.size() == 1000) {
        collection.insertMany(batch);
        batch.clear();
      }
    }
    if (!batch.isEmpty()) {
      collection.insertMany(batch);
    }
  }

  /** One random write: mostly {@code $inc}, some inserts, $set/$unset, replaces and deletes. */
  public void step() {
    writes++;
    int dice = random.nextInt(100);
    if (dice < 15 || live.isEmpty()) {
      collection.insertOne(document(nextId));
      counters.put(nextId, 0);
      live.add(nextId++);
      return;
    }
    int id = live.get(random.nextInt(live.size()));
    if (dice < 70) {
      collection.updateOne(Filters.eq("_id", id), Updates.inc("counter", 1));
      counters.merge(id, 1, Integer::sum);
    } else if (dice < 80) {
      collection.updateOne(
          Filters.eq("_id", id),
          Updates.combine(Updates.set("nested.a", random.nextInt(1000)), Updates.unset("name")));
    } else if (dice < 90) {
      int counter = 1000 + random.nextInt(1000);
      collection.replaceOne(
          Filters.eq("_id", id), document(id).append("counter", counter).append("replaced", true));
      counters.put(id, counter);
    } else {
      collection.deleteOne(Filters.eq("_id", id));
      live.remove(Integer.valueOf(id));
      counters.remove(id);
      deletes++;
    }
  }

  public long writes() {
    return writes;
  }

  public long deletes() {
    return deletes;
  }

  public int liveDocuments() {
    return live.size();
  }

  /**
   * The {@code counter} every live document must have by now, by {@code _id}: what the writes of
   * this workload leave, whatever the collection or a table shows.
   */
  public Map<Integer, Integer> expectedCounters() {
    return Map.copyOf(counters);
  }
}
