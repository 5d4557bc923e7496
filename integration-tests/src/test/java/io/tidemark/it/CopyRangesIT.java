package io.tidemark.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoCollection;
import io.tidemark.core.config.TidemarkConfig.SourceConfig;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.spi.CollectionSource;
import io.tidemark.core.spi.SnapshotCursor;
import io.tidemark.it.fixture.MongoFixture;
import io.tidemark.source.mongo.MongoChangeSource;
import io.tidemark.source.mongo.convert.BsonValues;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonBinary;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonMaxKey;
import org.bson.BsonMinKey;
import org.bson.BsonNull;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

/**
 * The copy's range reads, with split keys chosen so that together they send every filter shape
 * {@code KeyRangeFilter} makes and every {@code $type} code: within a bracket, across brackets, up
 * to a number (which takes NaN by equality), from the start, to the end, and after MaxKey. Each set
 * of ranges returns every document exactly once, in {@code _id} order. The command inventory
 * ({@code mongo-command-shapes.json}) names this test for those shapes because its keys are fixed,
 * where a copy's sampled keys vary from run to run.
 */
class CopyRangesIT {

  /** {@code _id}s in MongoDB's order ({@code canonicalizeBSONType}, src/mongo/bson/bsontypes.h). */
  private static List<BsonValue> idsInOrder() {
    List<BsonValue> ids = new ArrayList<>();
    ids.add(new BsonMinKey());
    ids.add(new BsonNull());
    ids.add(new BsonInt32(-5));
    ids.add(new BsonInt32(3));
    ids.add(new BsonDouble(4.5));
    ids.add(new BsonInt64(7));
    ids.add(new BsonDecimal128(Decimal128.parse("10.25")));
    ids.add(new BsonString("a"));
    ids.add(new BsonString("m"));
    ids.add(new BsonString("z"));
    ids.add(new BsonDocument("a", new BsonInt32(1)));
    ids.add(new BsonDocument("b", new BsonInt32(1)));
    ids.add(new BsonBinary(new byte[] {1, 2}));
    ids.add(new BsonObjectId(new ObjectId("0000000000000000000000a1")));
    ids.add(BsonBoolean.FALSE);
    ids.add(BsonBoolean.TRUE);
    ids.add(new BsonDateTime(1_600_000_000_000L));
    ids.add(new BsonTimestamp(1_600_000_000, 1));
    ids.add(new BsonMaxKey());
    return ids;
  }

  /** Split keys, each set cutting the collection into consecutive ranges. */
  private static List<List<BsonValue>> splitKeySets() {
    BsonValue nul = new BsonNull();
    return List.of(
        List.of(),
        List.of(
            nul,
            new BsonInt32(3),
            new BsonInt64(7),
            new BsonString("m"),
            new BsonDocument("a", new BsonInt32(1)),
            new BsonMaxKey()),
        List.of(new BsonDouble(4.5), new BsonDocument("b", new BsonInt32(1))),
        List.of(nul, new BsonString("z")));
  }

  @Test
  void everySetOfRangesReturnsEveryDocumentOnceInIdOrder() {
    MongoFixture mongo = MongoFixture.start();
    String database = mongo.newDatabaseName("ranges");
    MongoCollection<BsonDocument> items =
        mongo.client().getDatabase(database).getCollection("items", BsonDocument.class);
    List<String> all = new ArrayList<>();
    for (BsonValue id : idsInOrder()) {
      items.insertOne(new BsonDocument("_id", id));
      all.add(mark(id));
    }

    try (MongoChangeSource source =
        MongoChangeSource.open(
            new SourceConfig(mongo.connectionString(), database),
            Duration.ofSeconds(10),
            mongo.commandListeners())) {
      CollectionSource collection = source.collection("items");
      ClusterTime t0 = collection.captureOperationTime();
      for (List<BsonValue> keys : splitKeySets()) {
        List<String> marks = keys.stream().map(CopyRangesIT::mark).toList();
        List<String> copied = new ArrayList<>();
        for (int range = 0; range <= marks.size(); range++) {
          String after = range == 0 ? null : marks.get(range - 1);
          String upTo = range == marks.size() ? null : marks.get(range);
          List<String> read = read(collection, t0, after, upTo);
          int from = after == null ? 0 : all.indexOf(after) + 1;
          int to = upTo == null ? all.size() : all.indexOf(upTo) + 1;
          assertThat(read)
              .as("range (%s, %s] of the keys %s", after, upTo, marks)
              .containsExactlyElementsOf(all.subList(from, to));
          copied.addAll(read);
        }
        assertThat(copied).as("ranges cut at %s", marks).containsExactlyElementsOf(all);
      }
    }
  }

  private static List<String> read(
      CollectionSource collection, ClusterTime t0, String after, String upTo) {
    List<String> marks = new ArrayList<>();
    try (SnapshotCursor copy = collection.openSnapshot(t0, after, upTo)) {
      while (copy.next() != null) {
        marks.add(copy.markAfterLast());
      }
    }
    return marks;
  }

  private static String mark(BsonValue id) {
    return BsonValues.toJson(id, BsonValues.CANONICAL);
  }
}
