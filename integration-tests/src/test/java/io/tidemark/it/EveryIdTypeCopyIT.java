package io.tidemark.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoCollection;
import io.tidemark.app.Daemon;
import io.tidemark.core.pipeline.CollectionState;
import io.tidemark.it.support.TestPipeline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.bson.BsonBinary;
import org.bson.BsonDbPointer;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.bson.types.Binary;
import org.bson.types.Code;
import org.bson.types.CodeWithScope;
import org.bson.types.Decimal128;
import org.bson.types.MaxKey;
import org.bson.types.MinKey;
import org.bson.types.ObjectId;
import org.bson.types.Symbol;
import org.junit.jupiter.api.Test;

/**
 * A parallel copy of a collection whose {@code _id}s cover every type MongoDB accepts as an {@code
 * _id} (all but arrays, regular expressions and undefined: {@code src/mongo/db/ops/insert.cpp}), in
 * four ranges cut at sampled keys and resumed at marks every few documents, so that range filters
 * start and end in every type bracket. Every document must arrive exactly once.
 *
 * <p>On the stand-in the types it cannot store are left out (Symbol, DBPointer, JavaScript,
 * JavaScript with scope), as are NaN and a binary other than UUIDs: the stand-in sorts NaN after
 * the other numbers and compares binary subtypes as separate types, both unlike MongoDB. A real
 * MongoDB ({@code TIDEMARK_TEST_MONGO_URI}) gets all of them.
 */
class EveryIdTypeCopyIT {

  private static List<Object> ids(boolean standIn) {
    List<Object> ids = new ArrayList<>();
    ids.add(new MinKey());
    ids.add(null);
    ids.add(new MaxKey());
    ids.add(false);
    ids.add(true);
    for (int k = 0; k < 12; k++) {
      // Distinct integer parts across the numeric types.
      ids.add(10 * k);
      ids.add(10L * k + 3_000_000_003L);
      ids.add(10 * k + 5.5);
      ids.add(Decimal128.parse((10 * k + 7) + ".25"));
      ids.add(String.format("s%02d", k));
      ids.add(new Document("k", k));
      ids.add(new BsonBinary(new UUID(0x1000L + k, k)));
      ids.add(new ObjectId(String.format("%024x", 0x1000 + k)));
      ids.add(new Date(1_600_000_000_000L + k));
      ids.add(new BsonTimestamp(1_600_000_000, k + 1));
      if (!standIn) {
        ids.add(new Symbol(String.format("y%02d", k)));
        ids.add(new Binary(new byte[] {(byte) k}));
        ids.add(new BsonDbPointer("db.c" + k, new ObjectId(String.format("%024x", k))));
        ids.add(new Code("f" + k + "()"));
        ids.add(new CodeWithScope("g" + k + "()", new Document("k", k)));
      }
    }
    if (!standIn) {
      ids.add(Double.NaN);
      ids.add(Double.NEGATIVE_INFINITY);
    }
    return ids;
  }

  @Test
  void aCollectionWithEveryIdTypeIsCopiedInParallelRangesEachDocumentOnce() throws Exception {
    TestPipeline p = TestPipeline.create("idtypes");
    MongoCollection<Document> c = p.collection("idtypes");
    List<Object> ids = ids(p.mongo().isStandIn());
    for (Object id : ids) {
      c.insertOne(new Document("_id", id).append("pad", "x".repeat(20)));
    }
    String yaml =
        p.yaml("snapshot: { chunkSize: 7, parallelism: 4 }\ncollections:\n  - name: idtypes");
    try (Daemon daemon = p.startDaemon(yaml)) {
      TestPipeline.awaitState(daemon, CollectionState.STREAMING, Duration.ofSeconds(120));
      p.awaitMatch("idtypes", "idtypes", Duration.ofSeconds(60));
      assertThat(p.count("idtypes")).isEqualTo(ids.size());
      assertThat(
              p.number("SELECT count(*) FROM tidemark.snapshot_range WHERE collection = 'idtypes'"))
          .as("copied in parallel ranges")
          .isGreaterThan(1);
      assertThat(
              p.query(
                  "SELECT sum(rows_copied) FROM tidemark.snapshot_range WHERE collection ="
                      + " 'idtypes'"))
          .as("no document copied twice")
          .containsExactly(Integer.toString(ids.size()));
    }
  }
}
