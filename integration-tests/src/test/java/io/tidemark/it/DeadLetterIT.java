package io.tidemark.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.tidemark.app.Daemon;
import io.tidemark.core.pipeline.CollectionState;
import io.tidemark.core.pipeline.PipelineMetrics;
import io.tidemark.it.support.EngineProcess;
import io.tidemark.it.support.TestPipeline;
import java.nio.file.Path;
import java.time.Duration;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A value that cannot fit goes to the dead-letter table with its reason and is counted, the rest of
 * the batch commits; after the column is widened, replay writes it.
 */
class DeadLetterIT {
  private static String yaml(TestPipeline p, String type) {
    return p.yaml(
        String.join(
            "\n",
            "collections:",
            "  - name: prices",
            "    onError: deadletter",
            "    documentColumn: doc",
            "    columns:",
            "      - { field: price, type: '" + type + "' }"));
  }

  @Test
  void badValuesAreDeadLetteredAndReplayedAfterTheFix(@TempDir Path dir) throws Exception {
    TestPipeline p = TestPipeline.create("deadletter");
    MongoCollection<Document> prices = p.collection("prices");
    prices.insertOne(new Document("_id", "ok1").append("price", 12.5));
    prices.insertOne(new Document("_id", "bad1").append("price", 12.345));
    try (Daemon daemon = p.startDaemon(yaml(p, "numeric(12,2)"))) {
      TestPipeline.awaitState(daemon, CollectionState.STREAMING, Duration.ofSeconds(60));
      prices.insertOne(new Document("_id", "ok2").append("price", 3));
      prices.insertOne(new Document("_id", "bad2").append("price", 0.001));
      prices.updateOne(Filters.eq("_id", "bad1"), Updates.set("note", "changed after the copy"));
      TestPipeline.await(
          () ->
              p.number("SELECT count(*) FROM prices") == 2
                  && p.number(
                          "SELECT count(*) FROM tidemark.dead_letter WHERE document LIKE"
                              + " '%changed after the copy%'")
                      == 1,
          Duration.ofSeconds(30),
          () -> "rows and dead letters: " + daemon.status());
      assertThat(p.query("SELECT _id FROM prices ORDER BY _id")).containsExactly("ok1", "ok2");
      assertThat(p.query("SELECT document_key FROM tidemark.dead_letter ORDER BY document_key"))
          .as("one dead letter per document, holding its latest refused version")
          .containsExactly("bad1", "bad2");
      assertThat(
              p.query(
                  "SELECT DISTINCT reason FROM tidemark.dead_letter WHERE document_key = 'bad2'"))
          .containsExactly(
              "prices.price (document _id bad2): Double '0.001' cannot be stored in column price"
                  + " numeric(12,2): it has 3 decimal places and the column keeps 2, so it would be"
                  + " rounded; widen the scale or use numeric");
      assertThat(
              daemon
                  .registry()
                  .get(PipelineMetrics.DEAD_LETTERS)
                  .tag("collection", "prices")
                  .counter()
                  .count())
          .as("every refusal is counted, bad1's twice")
          .isGreaterThanOrEqualTo(3);
    }

    // The operator widens the column, then replays.
    try (var c = p.sink().getConnection();
        var st = c.createStatement()) {
      st.execute("ALTER TABLE prices ALTER COLUMN price TYPE numeric(14,4)");
    }
    Path config = p.writeConfig(dir, yaml(p, "numeric(14,4)"));
    EngineProcess.Outcome replay =
        EngineProcess.runToEnd(dir, "deadletter", "replay", "--config", config.toString());
    assertThat(replay.exitCode()).as(replay.output()).isZero();
    assertThat(replay.output())
        .contains("prices: 2 written, 0 deleted (gone from MongoDB), 0 still failing");
    assertThat(deadLetters(p)).isZero();
    assertThat(p.query("SELECT _id || '=' || price FROM prices ORDER BY _id"))
        .containsExactly("bad1=12.3450", "bad2=0.0010", "ok1=12.5000", "ok2=3.0000");
    assertThat(p.query("SELECT doc->>'note' FROM prices WHERE _id = 'bad1'"))
        .as("the current document is written, not the stale dead-lettered copy")
        .containsExactly("changed after the copy");
  }

  private static long deadLetters(TestPipeline p) {
    return p.number("SELECT count(*) FROM tidemark.dead_letter");
  }
}
