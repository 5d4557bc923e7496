package io.tidemark.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.tidemark.app.Daemon;
import io.tidemark.core.pipeline.CollectionState;
import io.tidemark.it.support.TestPipeline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * A collection keyed by a compound {@code _id} becomes a table whose primary key is the compound's
 * fields, as typed columns; a document missing one of them is dead-lettered, not written
 * half-keyed.
 */
class CompositeKeyIT {
  private static final String PRIMARY_KEY_COLUMNS =
      "SELECT string_agg(a.attname, ',' ORDER BY array_position(i.indkey::int2[], a.attnum))"
          + " FROM pg_index i JOIN pg_attribute a"
          + " ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
          + " WHERE i.indrelid = 'public.stock'::regclass AND i.indisprimary";

  private static Document id(String region, long n) {
    return new Document("region", region).append("n", n);
  }

  @Test
  void theCompoundIdsFieldsAreThePrimaryKey() throws Exception {
    TestPipeline p = TestPipeline.create("ckey");
    MongoCollection<Document> stock = p.collection("stock");
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      docs.add(new Document("_id", id(i % 2 == 0 ? "eu" : "us", i)).append("qty", i));
    }
    docs.add(new Document("_id", new Document("region", "eu")).append("qty", -1)); // no n
    stock.insertMany(docs);
    String yaml =
        p.yaml(
            "collections:\n"
                + "  - name: stock\n"
                + "    onError: deadletter\n"
                + "    documentColumn: doc\n"
                + "    primaryKey: [region, n]\n"
                + "    columns:\n"
                + "      - { field: _id.region, column: region, type: text }\n"
                + "      - { field: _id.n, column: n, type: bigint }\n"
                + "      - { field: qty, column: qty, type: integer }");

    try (Daemon daemon = p.startDaemon(yaml)) {
      TestPipeline.awaitState(daemon, CollectionState.STREAMING, Duration.ofSeconds(60));
      stock.insertOne(new Document("_id", id("ap", 100)).append("qty", 100));
      stock.updateOne(Filters.eq("_id", id("eu", 2)), Updates.set("qty", 222));
      stock.deleteOne(Filters.eq("_id", id("us", 3)));
      TestPipeline.await(
          () ->
              p.number("SELECT count(*) FROM stock WHERE region = 'ap'") == 1
                  && p.number("SELECT count(*) FROM stock WHERE qty = 222") == 1
                  && p.number("SELECT count(*) FROM stock") == 40,
          Duration.ofSeconds(30),
          () -> "stock never reached 40 rows with the streamed changes");

      assertThat(p.query(PRIMARY_KEY_COLUMNS)).containsExactly("region,n");
      assertThat(p.query("SELECT region || '/' || n || '=' || qty FROM stock WHERE n IN (2, 100)"))
          .containsExactlyInAnyOrder("eu/2=222", "ap/100=100");
      assertThat(p.query("SELECT count(*) FROM stock WHERE region = 'us' AND n = 3"))
          .containsExactly("0");
      // DISTINCT: the stream's inclusive start may replay the copy's last insert, dead-lettering
      // the same document again.
      assertThat(
              p.query(
                  "SELECT DISTINCT reason FROM tidemark.dead_letter WHERE collection = 'stock'"))
          .singleElement()
          .asString()
          .startsWith("stock._id.n (document _id {")
          .contains("column n is part of the primary key of table stock");
      assertThat(TestPipeline.status(daemon, "stock").state()).isEqualTo(CollectionState.STREAMING);
    }
  }
}
