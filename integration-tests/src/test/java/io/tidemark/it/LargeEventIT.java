package io.tidemark.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.tidemark.app.Daemon;
import io.tidemark.core.pipeline.CollectionState;
import io.tidemark.it.fixture.RequiresRealMongo;
import io.tidemark.it.support.TestPipeline;
import java.time.Duration;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * A change event over 16 MB does not wedge the stream: an update that adds 7.5 MB to a 8 MB
 * document makes an event of about 23 MB (the looked-up document plus the update description).
 * MongoDB 6.0.9+ and 7.0+ split it and Tidemark puts it back together; 4.4 to 6.0.8 refuse to send
 * it, and Tidemark opens the stream again with the event's large parts dropped and reads the
 * document by {@code _id}. Either way the row gets the new field and the events after it flow.
 */
@RequiresRealMongo("the 16 MB limit on change events, which the stand-in does not have")
class LargeEventIT {
  private static final int MB = 1 << 20;

  @Test
  void anUpdateWhoseEventIsOver16MbIsApplied() throws Exception {
    TestPipeline p = TestPipeline.create("large");
    MongoCollection<Document> blobs = p.collection("blobs");
    blobs.insertOne(new Document("_id", "big").append("a", "a".repeat(8 * MB)));

    try (Daemon daemon = p.startDaemon(p.yaml("collections:\n  - name: blobs"))) {
      TestPipeline.awaitState(daemon, CollectionState.STREAMING, Duration.ofSeconds(60));
      blobs.updateOne(Filters.eq("_id", "big"), Updates.set("b", "b".repeat(15 * MB / 2)));
      blobs.insertOne(new Document("_id", "after").append("small", true));

      TestPipeline.await(
          () ->
              p.number("SELECT count(*) FROM blobs WHERE _id = 'after'") == 1
                  && p.number("SELECT coalesce(length(doc->>'b'), 0) FROM blobs WHERE _id = 'big'")
                      == 15 * MB / 2,
          Duration.ofSeconds(60),
          () -> "the large update and the insert after it: " + daemon.status());
      assertThat(TestPipeline.status(daemon, "blobs").state()).isEqualTo(CollectionState.STREAMING);
      assertThat(p.number("SELECT length(doc->>'a') FROM blobs WHERE _id = 'big'"))
          .isEqualTo(8 * MB);
    }
  }
}
