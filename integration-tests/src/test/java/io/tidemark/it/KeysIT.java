package io.tidemark.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoCollection;
import io.tidemark.app.Daemon;
import io.tidemark.core.pipeline.CollectionState;
import io.tidemark.it.support.TestPipeline;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.bson.Document;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

/** _ids of many BSON types: every document is exactly one row, and none overwrites another. */
class KeysIT {

  @Test
  void idsOfDifferentTypesBecomeDistinctRows() throws Exception {
    TestPipeline p = TestPipeline.create("keys");
    MongoCollection<Document> c = p.collection("mixed");
    ObjectId oid = new ObjectId("65a1b2c3d4e5f60718293a4b");
    List<Object> ids =
        List.of(
            1,
            "1",
            oid,
            oid.toHexString(),
            2.5,
            new Date(0),
            new org.bson.BsonBinary(UUID.fromString("3b241101-e2bb-4255-8caf-4136c566a962")),
            new Document("region", "eu").append("n", 7),
            "plain-key");
    for (Object id : ids) {
      c.insertOne(new Document("_id", id).append("from", "copy"));
    }
    try (Daemon daemon = p.startDaemon(p.yaml("collections:\n  - name: mixed"))) {
      TestPipeline.awaitState(daemon, CollectionState.STREAMING, Duration.ofSeconds(60));
      c.insertOne(new Document("_id", Decimal128.parse("3.50")).append("from", "stream"));
      c.insertOne(new Document("_id", "3.5").append("from", "stream"));
      p.awaitMatch("mixed", "mixed", Duration.ofSeconds(30));
      assertThat(p.count("mixed")).isEqualTo(ids.size() + 2);
      assertThat(p.query("SELECT _id FROM mixed ORDER BY _id"))
          .contains(
              "1",
              "\"1\"",
              "65a1b2c3d4e5f60718293a4b",
              "\"65a1b2c3d4e5f60718293a4b\"",
              "2.5",
              "3.5",
              "\"3.5\"",
              "plain-key");
    }
  }
}
