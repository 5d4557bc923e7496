package io.tidemark.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.tidemark.app.Daemon;
import io.tidemark.core.pipeline.CollectionState;
import io.tidemark.it.support.JsonTrees;
import io.tidemark.it.support.RandomDocuments;
import io.tidemark.it.support.TestPipeline;
import io.tidemark.source.mongo.convert.BsonValues;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bson.BsonDocument;
import org.bson.RawBsonDocument;
import org.bson.conversions.Bson;
import org.junit.jupiter.api.Test;

/**
 * Random nested documents (seeded; the seed is printed, and {@code -Dtidemark.it.seed=N} replays
 * one) are copied and then streamed through inserts, {@code $set}/{@code $unset} updates, replaces
 * and deletes. Every row's {@code doc} must equal the document's relaxed Extended JSON as a JSON
 * tree; in a second collection with columns and an extra column, each {@code jsonb} column must
 * equal its field and the extra column the document without {@code _id} and the mapped fields.
 */
class GeneratedDocumentsIT {
  private static final int COPIED = 150;
  private static final int STREAMED = 150;
  private static final int CHANGES = 300;

  private static final List<String> A_B = List.of("a b");
  private static final List<String> NESTED_UNI = List.of("nested", "ünï");

  @Test
  void everyRowEqualsItsDocumentFieldForField() throws Exception {
    long seed = Long.getLong("tidemark.it.seed", System.nanoTime());
    System.out.println(
        "GeneratedDocumentsIT seed: " + seed + " (replay: -Dtidemark.it.seed=" + seed + ")");
    RandomDocuments generator = new RandomDocuments(seed);
    Random random = generator.random();
    TestPipeline p = TestPipeline.create("generated");
    List<MongoCollection<BsonDocument>> both =
        List.of(
            p.db().getCollection("whole", BsonDocument.class),
            p.db().getCollection("shaped", BsonDocument.class));

    List<String> live = new ArrayList<>();
    int nextId = 0;
    for (; nextId < COPIED; nextId++) {
      insert(both, generator.document(id(nextId)), live);
    }
    String yaml =
        p.yaml(
            String.join(
                "\n",
                "snapshot: { chunkSize: 40 }",
                "collections:",
                "  - name: whole",
                "  - name: shaped",
                "    extraColumn: extra",
                "    columns:",
                "      - { field: 'a b', column: a_b, type: jsonb }",
                "      - { field: 'nested.ünï', column: nested_uni, type: jsonb }"));
    try (Daemon daemon = p.startDaemon(yaml)) {
      TestPipeline.awaitState(daemon, CollectionState.STREAMING, Duration.ofSeconds(60));
      for (; nextId < COPIED + STREAMED; nextId++) {
        insert(both, generator.document(id(nextId)), live);
      }
      for (int i = 0; i < CHANGES; i++) {
        change(both, generator, random, live);
      }
      TestPipeline.await(
          () -> problems(p, "whole").isEmpty() && problems(p, "shaped").isEmpty(),
          Duration.ofSeconds(90),
          () -> "seed " + seed + ": " + problems(p, "whole") + " " + problems(p, "shaped"));
      assertThat(TestPipeline.status(daemon, "whole").state()).isEqualTo(CollectionState.STREAMING);
      assertThat(TestPipeline.status(daemon, "shaped").state())
          .isEqualTo(CollectionState.STREAMING);
    }
    assertThat(p.count("whole")).as("seed %s", seed).isEqualTo(live.size());
    assertThat(p.count("shaped")).as("seed %s", seed).isEqualTo(live.size());
  }

  private static String id(int n) {
    return String.format("g-%04d", n);
  }

  private static void insert(
      List<MongoCollection<BsonDocument>> both, BsonDocument doc, List<String> live) {
    both.forEach(c -> c.insertOne(doc));
    live.add(doc.getString("_id").getValue());
  }

  /** One random change, the same in both collections; written from this thread only. */
  private static void change(
      List<MongoCollection<BsonDocument>> both,
      RandomDocuments generator,
      Random random,
      List<String> live) {
    String id = live.get(random.nextInt(live.size()));
    Bson byId = Filters.eq("_id", id);
    BsonDocument current = both.get(0).find(byId).first();
    switch (random.nextInt(6)) {
      case 0 -> {
        both.forEach(c -> c.deleteOne(byId));
        live.remove(id);
      }
      case 1 -> {
        BsonDocument replacement = generator.document(id);
        both.forEach(c -> c.replaceOne(byId, replacement));
      }
      case 2 -> {
        String field = List.copyOf(current.keySet()).get(random.nextInt(current.size()));
        if (!field.equals("_id")) {
          both.forEach(c -> c.updateOne(byId, Updates.unset(field)));
        }
      }
      case 3 -> {
        if (current.get("nested") instanceof BsonDocument) {
          Bson set = Updates.set("nested.ünï", generator.value(2));
          both.forEach(c -> c.updateOne(byId, set));
        }
      }
      default -> {
        Bson set =
            Updates.combine(
                Updates.set(generator.name(), generator.value(3)),
                Updates.set("added " + random.nextInt(3), generator.value(1)));
        both.forEach(c -> c.updateOne(byId, set));
      }
    }
  }

  /** What differs between a collection and its table; empty when they are equal. */
  private static List<String> problems(TestPipeline p, String name) {
    try {
      Map<String, JsonNode> documents = new HashMap<>();
      for (RawBsonDocument d : p.db().getCollection(name, RawBsonDocument.class).find()) {
        documents.put(d.getString("_id").getValue(), JsonTrees.parse(d.toJson(BsonValues.RELAXED)));
      }
      boolean whole = name.equals("whole");
      List<String> problems = new ArrayList<>();
      int rows = 0;
      try (Connection c = p.sink().getConnection();
          Statement st = c.createStatement();
          ResultSet rs =
              st.executeQuery(
                  whole
                      ? "SELECT _id, doc FROM whole"
                      : "SELECT _id, a_b, nested_uni, extra FROM shaped")) {
        while (rs.next()) {
          rows++;
          JsonNode source = documents.get(rs.getString(1));
          if (source == null) {
            problems.add(name + ": row " + rs.getString(1) + " has no document");
          } else if (whole) {
            expect(problems, name, rs.getString(1), "doc", source, rs.getString(2));
          } else {
            expect(problems, name, rs.getString(1), "a_b", field(source, A_B), rs.getString(2));
            expect(
                problems,
                name,
                rs.getString(1),
                "nested_uni",
                field(source, NESTED_UNI),
                rs.getString(3));
            JsonNode extra =
                JsonTrees.without(
                    JsonTrees.without(JsonTrees.without(source, List.of("_id")), A_B), NESTED_UNI);
            expect(problems, name, rs.getString(1), "extra", extra, rs.getString(4));
          }
        }
      }
      if (rows != documents.size()) {
        problems.add(name + ": " + rows + " rows for " + documents.size() + " documents");
      }
      return problems.size() > 5 ? problems.subList(0, 5) : problems;
    } catch (java.sql.SQLException e) {
      return List.of(name + ": " + e.getMessage());
    }
  }

  /** A mapped field's expected column value: SQL NULL for a missing field or a BSON null. */
  private static JsonNode field(JsonNode source, List<String> path) {
    JsonNode value = JsonTrees.at(source, path);
    return value == null || value.isNull() ? null : value;
  }

  private static void expect(
      List<String> problems,
      String collection,
      String id,
      String column,
      JsonNode expected,
      String stored) {
    JsonNode got = stored == null ? null : JsonTrees.parse(stored);
    if (!JsonTrees.same(expected, got)) {
      problems.add(
          collection
              + " _id "
              + id
              + " column "
              + column
              + ": expected "
              + expected
              + " got "
              + got);
    }
  }
}
