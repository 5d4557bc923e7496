package io.tidemark.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.tidemark.app.Daemon;
import io.tidemark.core.config.StreamScope;
import io.tidemark.core.pipeline.CollectionState;
import io.tidemark.it.support.BackgroundWriter;
import io.tidemark.it.support.CounterWorkload;
import io.tidemark.it.support.TableComparison;
import io.tidemark.it.support.TestPipeline;
import java.time.Duration;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The backbone: copy while writes continue, hand off to the stream, follow every kind of change.
 */
class CopyAndStreamIT {

  @Test
  void copiesTwentyThousandDocumentsWhileAnotherThreadKeepsWriting() throws Exception {
    TestPipeline p = TestPipeline.create("copy");
    MongoCollection<Document> items = p.collection("items");
    CounterWorkload workload = new CounterWorkload(items, 1);
    workload.seed(20_000);

    // Small chunks so the copy takes many transactions and overlaps many writes.
    String yaml = p.yaml("snapshot: { chunkSize: 500 }\ncollections:\n  - name: items");
    try (BackgroundWriter writer = BackgroundWriter.start(workload::step, 0);
        Daemon daemon = p.startDaemon(yaml)) {
      TestPipeline.awaitState(daemon, CollectionState.STREAMING, Duration.ofSeconds(120));
      Thread.sleep(1000);
      writer.stop();
      TableComparison.Result result = p.awaitMatch("items", "items", Duration.ofSeconds(60));
      assertThat(result.documents()).isGreaterThanOrEqualTo(20_000);
      assertThat(workload.writes()).as("writes overlapped the copy").isGreaterThan(100);
      assertThat(TestPipeline.status(daemon, "items").rowsCopied()).isGreaterThanOrEqualTo(20_000);
    }
  }

  @ParameterizedTest
  @EnumSource(StreamScope.class)
  void streamsInsertsUpdatesReplacesAndDeletes(StreamScope scope) throws Exception {
    TestPipeline p = TestPipeline.create("stream");
    MongoCollection<Document> c = p.collection("orders");
    c.insertOne(new Document("_id", "before").append("n", 1));
    try (Daemon daemon = p.startDaemon(p.yaml("collections:\n  - name: orders", scope))) {
      TestPipeline.awaitState(daemon, CollectionState.STREAMING, Duration.ofSeconds(60));
      c.insertMany(
          List.of(
              new Document("_id", "a").append("n", 1).append("tags", List.of("x")),
              new Document("_id", "b").append("n", 2).append("gone", true),
              new Document("_id", "c").append("n", 3)));
      c.updateOne(Filters.eq("_id", "a"), Updates.set("address", new Document("city", "Oslo")));
      c.updateOne(Filters.eq("_id", "b"), Updates.unset("gone"));
      for (int i = 0; i < 5; i++) {
        c.updateOne(Filters.eq("_id", "a"), Updates.inc("n", 10));
      }
      c.replaceOne(Filters.eq("_id", "c"), new Document("_id", "c").append("replaced", true));
      c.deleteOne(Filters.eq("_id", "before"));
      c.insertOne(new Document("_id", "d").append("n", 4));
      c.deleteOne(Filters.eq("_id", "d"));

      TableComparison.Result result = p.awaitMatch("orders", "orders", Duration.ofSeconds(30));
      assertThat(result.documents()).isEqualTo(3);
      assertThat(p.query("SELECT doc->>'n' FROM orders WHERE _id = 'a'")).containsExactly("51");
      assertThat(p.query("SELECT doc ? 'gone' FROM orders WHERE _id = 'b'")).containsExactly("f");
      assertThat(p.query("SELECT doc::text FROM orders WHERE _id = 'c'"))
          .containsExactly("{\"_id\": \"c\", \"replaced\": true}");
      assertThat(p.query("SELECT count(*) FROM orders WHERE _id IN ('before', 'd')"))
          .containsExactly("0");
      assertThat(TestPipeline.status(daemon, "orders").eventsApplied()).isGreaterThanOrEqualTo(12);
    }
  }

  @Test
  void configuredColumnsAreFilledFromFieldPaths() throws Exception {
    TestPipeline p = TestPipeline.create("columns");
    MongoCollection<Document> c = p.collection("customers");
    c.insertOne(
        new Document("_id", 1)
            .append("email", "a@x.org")
            .append("address", new Document("city", "Lyon")));
    String yaml =
        p.yaml(
            String.join(
                "\n",
                "collections:",
                "  - name: customers",
                "    table: crm_customers",
                "    documentColumn: doc",
                "    extraColumn: extra",
                "    columns:",
                "      - { field: email, column: email, type: text }",
                "      - { field: address.city, column: city, type: 'varchar(40)' }"));
    try (Daemon daemon = p.startDaemon(yaml)) {
      TestPipeline.awaitState(daemon, CollectionState.STREAMING, Duration.ofSeconds(60));
      c.insertOne(new Document("_id", 2).append("email", "b@x.org").append("vip", true));
      p.awaitMatch("customers", "crm_customers", Duration.ofSeconds(30));
      assertThat(
              p.query(
                  "SELECT _id || ':' || email || ':' || coalesce(city, '-') FROM crm_customers ORDER BY _id"))
          .containsExactly("1:a@x.org:Lyon", "2:b@x.org:-");
      assertThat(p.query("SELECT extra::text FROM crm_customers ORDER BY _id"))
          .as("unmapped fields, without _id and the mapped ones")
          .containsExactly("{}", "{\"vip\": true}");
    }
  }
}
