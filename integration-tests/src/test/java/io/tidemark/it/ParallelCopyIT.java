package io.tidemark.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoCollection;
import io.tidemark.app.Daemon;
import io.tidemark.core.pipeline.CollectionState;
import io.tidemark.it.support.TestPipeline;
import io.tidemark.source.mongo.convert.BsonValues;
import io.tidemark.source.mongo.snapshot.KeyRangeFilter;
import io.tidemark.source.mongo.snapshot.MongoKeySplitter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import org.bson.BsonValue;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

/**
 * The parallel copy: split keys cut a collection whose {@code _id}s mix types into ranges that
 * cover every document exactly once, by sampling and by the paging fallback; and a collection
 * copied in several ranges at once ends equal to its table, each row copied once.
 */
class ParallelCopyIT {

  /** {@code n} documents whose _ids cycle through five BSON types (each its own sort bracket). */
  private static List<Document> mixedIdDocuments(int n) {
    List<Document> docs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Object id =
          switch (i % 5) {
            case 0 -> i;
            case 1 -> "key-" + i;
            case 2 -> new ObjectId(new Date(1_700_000_000_000L + i * 1000L), i);
            case 3 -> new Date(1_600_000_000_000L + i);
            default -> new Document("shard", i % 7).append("n", i);
          };
      docs.add(new Document("_id", id).append("n", i).append("pad", "x".repeat(50)));
    }
    return docs;
  }

  @Test
  void splitKeysMakeRangesThatCoverEveryDocumentExactlyOnce() {
    TestPipeline p = TestPipeline.create("split");
    MongoCollection<Document> c = p.collection("mixed");
    c.insertMany(mixedIdDocuments(3_000));
    MongoCollection<RawBsonDocument> raw = c.withDocumentClass(RawBsonDocument.class);
    MongoKeySplitter splitter = new MongoKeySplitter(raw);

    List<BiFunction<Integer, Long, List<String>>> ways =
        List.of(splitter::sampled, splitter::paged, splitter::splitKeys);
    for (BiFunction<Integer, Long, List<String>> way : ways) {
      List<String> splits = way.apply(6, 3_000L);
      assertThat(splits).as("split keys").hasSizeBetween(3, 5).doesNotHaveDuplicates();
      Set<String> seen = new HashSet<>();
      long total = 0;
      for (int i = 0; i <= splits.size(); i++) {
        BsonValue after = i == 0 ? null : BsonValues.parseCanonical(splits.get(i - 1));
        BsonValue upTo = i == splits.size() ? null : BsonValues.parseCanonical(splits.get(i));
        int inRange = 0;
        for (RawBsonDocument d : raw.find(KeyRangeFilter.between(after, upTo))) {
          assertThat(seen.add(BsonValues.toJson(d.get("_id"), BsonValues.CANONICAL)))
              .as("_id %s in one range only", d.get("_id"))
              .isTrue();
          inRange++;
        }
        assertThat(inRange).as("range %d of %s is not empty", i, splits).isPositive();
        total += inRange;
      }
      assertThat(total).isEqualTo(3_000);
    }
    assertThat(splitter.splitKeys(6, 11)).as("too small to split").isEmpty();
  }

  @Test
  void aCollectionCopiedInParallelRangesEqualsItsTableWithEachRowCopiedOnce() throws Exception {
    TestPipeline p = TestPipeline.create("parcopy");
    MongoCollection<Document> c = p.collection("mixed");
    c.insertMany(mixedIdDocuments(12_000));
    String yaml =
        p.yaml("snapshot: { chunkSize: 500, parallelism: 3 }\ncollections:\n  - name: mixed");
    try (Daemon daemon = p.startDaemon(yaml)) {
      TestPipeline.awaitState(daemon, CollectionState.STREAMING, Duration.ofSeconds(120));
      p.awaitMatch("mixed", "mixed", Duration.ofSeconds(60));
      assertThat(p.count("mixed")).isEqualTo(12_000);
      List<String> ranges =
          p.query(
              "SELECT range_no || ':' || done || ':' || rows_copied FROM tidemark.snapshot_range"
                  + " WHERE collection = 'mixed' ORDER BY range_no");
      assertThat(ranges).as("copied in several ranges").hasSizeGreaterThan(3);
      assertThat(ranges).allMatch(r -> r.contains(":true:"));
      assertThat(
              p.query(
                  "SELECT sum(rows_copied) FROM tidemark.snapshot_range WHERE collection ="
                      + " 'mixed'"))
          .as("no row was copied twice")
          .containsExactly("12000");
    }
  }
}
