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
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * {@code schema.evolve: addColumns} end to end: fields seen by the parallel copy become columns
 * (two ranges evolving one table at once), fields that appear while streaming become columns, a
 * field whose type drifts from integer to string to document widens to jsonb without stopping the
 * collection, and the evolved columns survive a restart. Every document keeps its row throughout,
 * and each evolved value is queryable with plain SQL.
 */
class SchemaEvolutionIT {
  private static final int COPIED = 2_000;

  @Test
  void newFieldsBecomeColumnsAndDriftingOnesWidenToJsonb() throws Exception {
    TestPipeline p = TestPipeline.create("evolve");
    MongoCollection<Document> readings = p.collection("readings");
    List<Document> seed = new ArrayList<>();
    for (int i = 0; i < COPIED; i++) {
      // Five fields spread over the key space: both copy ranges meet each of them.
      seed.add(
          new Document("_id", String.format("r%05d", i))
              .append("sensor", "s" + (i % 7))
              .append("k" + (i % 5), i)
              .append("unit", "C"));
    }
    readings.insertMany(seed);
    String yaml =
        p.yaml(
            String.join(
                "\n",
                "snapshot: { chunkSize: 100, parallelism: 2 }",
                "collections:",
                "  - name: readings",
                "    documentColumn: doc",
                "    schema: { evolve: addColumns }",
                "    columns:",
                "      - { field: sensor }"));

    try (Daemon daemon = p.startDaemon(yaml)) {
      TestPipeline.awaitState(daemon, CollectionState.STREAMING, Duration.ofSeconds(60));
      assertThat(columns(p))
          .containsExactlyInAnyOrder(
              "_id text",
              "sensor text",
              "doc jsonb",
              "k0 bigint",
              "k1 bigint",
              "k2 bigint",
              "k3 bigint",
              "k4 bigint",
              "unit text");
      assertThat(p.number("SELECT count(*) FROM readings")).isEqualTo(COPIED);
      assertThat(p.number("SELECT count(*) FROM readings WHERE k3 IS NOT NULL"))
          .isEqualTo(COPIED / 5);
      assertThat(p.number("SELECT sum(coalesce(k0, 0) + coalesce(k1, 0)) FROM readings"))
          .as("values land in their own field's column")
          .isEqualTo(sum(0, COPIED));

      readings.insertOne(new Document("_id", "v-int").append("v", 1));
      readings.insertOne(new Document("_id", "v-text").append("v", "high"));
      readings.insertOne(
          new Document("_id", "v-doc")
              .append("v", new Document("level", 3))
              .append("seen", new Date(0)));
      readings.updateOne(Filters.eq("_id", "r00003"), Updates.set("k3", "three"));
      TestPipeline.await(
          () ->
              p.number("SELECT count(*) FROM readings") == COPIED + 3
                  && p.number("SELECT count(*) FROM readings WHERE k3 = '\"three\"'::jsonb") == 1,
          Duration.ofSeconds(30),
          () -> "the stream's rows: " + daemon.status() + " " + columns(p));
      assertThat(TestPipeline.status(daemon, "readings").state())
          .isEqualTo(CollectionState.STREAMING);
      assertThat(columns(p)).contains("v jsonb", "seen timestamp with time zone", "k3 jsonb");
      assertThat(p.query("SELECT v->>'level' FROM readings WHERE _id = 'v-doc'"))
          .containsExactly("3");
      assertThat(
              p.query("SELECT v::text FROM readings WHERE _id IN ('v-int', 'v-text') ORDER BY _id"))
          .containsExactly("1", "\"high\"");
      assertThat(p.number("SELECT count(*) FROM readings WHERE k3 IS NOT NULL"))
          .as("widening kept every earlier value")
          .isEqualTo(COPIED / 5);
    }

    try (Daemon daemon = p.startDaemon(yaml)) {
      TestPipeline.awaitState(daemon, CollectionState.STREAMING, Duration.ofSeconds(60));
      readings.insertOne(new Document("_id", "after").append("v", 5).append("ok", true));
      TestPipeline.await(
          () -> p.number("SELECT count(*) FROM readings WHERE _id = 'after'") == 1,
          Duration.ofSeconds(30),
          () -> "after the restart: " + daemon.status());
      assertThat(columns(p)).contains("v jsonb", "ok boolean");
      assertThat(p.query("SELECT v::text || ' ' || ok FROM readings WHERE _id = 'after'"))
          .containsExactly("5 true");
      assertThat(
              p.query(
                  "SELECT string_agg(column_name || ' ' || column_type, ', ' ORDER BY position)"
                      + " FROM tidemark.evolved_column WHERE collection = 'readings'"))
          .containsExactly(
              String.join(
                  ", ",
                  columns(p).stream()
                      .filter(
                          c ->
                              !c.startsWith("_id ")
                                  && !c.startsWith("sensor ")
                                  && !c.startsWith("doc "))
                      .map(c -> c.replace("timestamp with time zone", "timestamptz"))
                      .toList()));
    }
    p.awaitMatch("readings", "readings", Duration.ofSeconds(30));
  }

  private static long sum(int from, int to) {
    long sum = 0;
    for (int i = from; i < to; i++) {
      if (i % 5 <= 1) {
        sum += i;
      }
    }
    return sum;
  }

  private static List<String> columns(TestPipeline p) {
    try {
      return p.query(
          "SELECT column_name || ' ' || data_type FROM information_schema.columns"
              + " WHERE table_schema = 'public' AND table_name = 'readings' ORDER BY ordinal_position");
    } catch (java.sql.SQLException e) {
      return List.of("(" + e.getMessage() + ")");
    }
  }
}
