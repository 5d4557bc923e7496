package io.tidemark.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.MongoNamespace;
import io.tidemark.app.Daemon;
import io.tidemark.core.pipeline.CollectionState;
import io.tidemark.core.pipeline.CollectionStatus;
import io.tidemark.it.support.TestPipeline;
import java.time.Duration;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * A streamed collection that is dropped, or renamed away, stops with an error that names the
 * operation and keeps its table; the other collections go on. MongoDB reports both to the
 * collection's change stream, followed by {@code invalidate} ({@code
 * src/mongo/db/pipeline/change_stream_filter_helpers.cpp}, {@code buildInvalidationFilter}).
 */
class DropAndRenameIT {

  @Test
  void aDroppedAndARenamedCollectionStopWithTheirCauseAndTheOthersStream() throws Exception {
    TestPipeline p = TestPipeline.create("invalidate");
    p.collection("dropped").insertOne(new Document("_id", 1));
    p.collection("renamed").insertOne(new Document("_id", 1));
    p.collection("kept").insertOne(new Document("_id", 1));
    String yaml = p.yaml("collections:\n  - name: dropped\n  - name: renamed\n  - name: kept");
    try (Daemon daemon = p.startDaemon(yaml)) {
      TestPipeline.awaitState(daemon, CollectionState.STREAMING, Duration.ofSeconds(60));

      p.collection("dropped").drop();
      p.collection("renamed").renameCollection(new MongoNamespace(p.db().getName(), "archive"));
      p.collection("kept").insertOne(new Document("_id", 2));

      TestPipeline.await(
          () ->
              TestPipeline.status(daemon, "dropped").state() == CollectionState.FAILED
                  && TestPipeline.status(daemon, "renamed").state() == CollectionState.FAILED,
          Duration.ofSeconds(60),
          () -> "both collections stopped: " + daemon.status());
      CollectionStatus dropped = TestPipeline.status(daemon, "dropped");
      CollectionStatus renamed = TestPipeline.status(daemon, "renamed");
      assertThat(dropped.lastError()).contains("the source reported 'drop'");
      assertThat(renamed.lastError())
          .contains("the source reported 'rename'")
          .contains("renamed to " + p.db().getName() + ".archive");
      p.awaitMatch("kept", "kept", Duration.ofSeconds(60));
      assertThat(p.count("dropped"))
          .as("the dropped collection's table keeps its rows")
          .isEqualTo(1);
      assertThat(TestPipeline.status(daemon, "kept").state()).isEqualTo(CollectionState.STREAMING);
    }
  }
}
