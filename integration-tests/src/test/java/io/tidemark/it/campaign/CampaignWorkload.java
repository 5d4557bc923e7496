package io.tidemark.it.campaign;

import com.mongodb.client.MongoDatabase;
import io.tidemark.it.campaign.History.Kind;
import io.tidemark.it.support.CounterWorkload;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.bson.Document;

/**
 * The campaign's writes, all from one seed: three modelled collections ({@link
 * CampaignCollections}) seeded before the daemon starts, and {@code late}, a collection the daemon
 * is configured for but that MongoDB creates only with its first insert, after the daemon started
 * (written by a {@link CounterWorkload}). Every write is recorded in the history.
 *
 * <p>{@link #step()} is called from one thread only (see {@link ModelCollection}); the counts and
 * expected counters are read after the writes stopped.
 */
final class CampaignWorkload {
  static final String LATE = "late";

  private final MongoDatabase db;
  private final History history;
  private final Random random;
  private final List<ModelCollection> collections;
  private final CounterWorkload late;
  private final long expectedOps;
  private long lateCreatedAtOp = Long.MAX_VALUE;
  private volatile boolean daemonStarted;
  private final Map<String, Long> opsByKind = new TreeMap<>();
  private long ops;
  private boolean lateExists;

  /**
   * @param expectedOps about how many writes the run will make; the late collection is created at a
   *     random one of the first third
   */
  CampaignWorkload(MongoDatabase db, History history, long seed, long expectedOps) {
    this.db = db;
    this.history = history;
    this.random = new Random(seed);
    this.collections = CampaignCollections.create(db, random);
    this.late = new CounterWorkload(db.getCollection(LATE), random.nextLong());
    this.expectedOps = expectedOps;
  }

  /** Seeds {@code documents} documents over the modelled collections, before the daemon starts. */
  void seed(int documents) {
    int each = documents / collections.size();
    for (ModelCollection c : collections) {
      c.seed(each);
    }
    history.record(
        Kind.RUN,
        "seeded "
            + each * collections.size()
            + " documents: "
            + each
            + " in each of "
            + names(collections));
  }

  /** Creates the late collection now, empty, so it exists before the daemon starts. */
  void createLateCollectionNow() {
    db.createCollection(LATE);
    lateExists = true;
    history.record(Kind.RUN, "created collection late (empty) before the daemon starts");
  }

  /** All configured collection names, the late one last. */
  List<String> collectionNames() {
    List<String> names = new ArrayList<>(names(collections));
    names.add(LATE);
    return names;
  }

  List<ModelCollection> modelled() {
    return collections;
  }

  /** The daemon is up (or gave up starting): the late collection may now appear. */
  void daemonStarted() {
    daemonStarted = true;
  }

  /** One write to a random collection. */
  void step() {
    ops++;
    if (daemonStarted && lateCreatedAtOp == Long.MAX_VALUE) {
      lateCreatedAtOp = ops + random.nextInt((int) Math.max(1, Math.min(expectedOps / 3, 3000)));
    }
    int dice = random.nextInt(100);
    String collection;
    String what;
    if (!lateExists && ops >= lateCreatedAtOp) {
      late.step();
      lateExists = true;
      collection = LATE;
      what = "insert (creates the collection)";
    } else if (lateExists && dice < 15) {
      late.step();
      collection = LATE;
      what = "counter-step (writes " + late.writes() + ")";
    } else {
      ModelCollection c = collections.get(random.nextInt(collections.size()));
      collection = c.name;
      what = c.step();
    }
    String kind = what.substring(0, what.indexOf(' ') < 0 ? what.length() : what.indexOf(' '));
    opsByKind.merge(kind, 1L, Long::sum);
    history.record(Kind.OP, collection + " " + what);
  }

  long operations() {
    return ops;
  }

  Map<String, Long> operationsByKind() {
    return Map.copyOf(opsByKind);
  }

  boolean lateCollectionExists() {
    return lateExists;
  }

  /** Expected counter per key, per collection, with the SQL that reads them from the sink. */
  Map<String, ExpectedCounters> expectedCounters() {
    Map<String, ExpectedCounters> out = new LinkedHashMap<>();
    for (ModelCollection c : collections) {
      out.put(c.name, new ExpectedCounters(c.counterQuery(), c.expectedCounters()));
    }
    Map<String, Long> lateCounters = new HashMap<>();
    late.expectedCounters()
        .forEach((id, counter) -> lateCounters.put(id.toString(), (long) counter));
    out.put(
        LATE,
        new ExpectedCounters(
            "SELECT _id, doc->>'counter' FROM \"public\".\"late\"", Map.copyOf(lateCounters)));
    return out;
  }

  /** The source's current operation time, packed as in the sink's metadata tables. */
  long operationTime() {
    return db.runCommand(new Document("ping", 1))
        .get("operationTime", org.bson.BsonTimestamp.class)
        .getValue();
  }

  /**
   * @param query returns each row's key and counter as text
   * @param counters the counter each key must have; a key missing here must have no row
   */
  record ExpectedCounters(String query, Map<String, Long> counters) {
    ExpectedCounters {
      counters = Map.copyOf(counters);
    }
  }

  private static List<String> names(List<ModelCollection> collections) {
    return collections.stream().map(c -> c.name).toList();
  }
}
