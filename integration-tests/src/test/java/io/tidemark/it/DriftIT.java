package io.tidemark.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.tidemark.app.Daemon;
import io.tidemark.core.pipeline.CollectionState;
import io.tidemark.it.support.TestPipeline;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * A field whose type drifts between documents — {@code v} an integer here, a string there, a
 * sub-document elsewhere, and changing type by updates — through the copy and the stream. As {@code
 * jsonb} (a mapped column, or left to the extra column) every document keeps its row and {@code v}
 * stays queryable; mapped as {@code bigint} with {@code onError: deadletter}, the ones that do not
 * fit are dead-lettered with a reason naming collection, {@code _id}, field and column, and the
 * rest commit.
 */
class DriftIT {
  private static final int COPIED = 30;
  private static final int TOTAL = 60;
  private static final List<String> COLLECTIONS = List.of("as_json", "as_extra", "as_bigint");

  /** Integer, string or sub-document by the id's remainder. */
  private static Object v(int i) {
    return switch (i % 3) {
      case 0 -> i;
      case 1 -> "text " + i;
      default -> new Document("k", i).append("tag", "t" + i);
    };
  }

  @Test
  void aFieldOfDriftingTypeKeepsEveryDocumentFlowing() throws Exception {
    TestPipeline p = TestPipeline.create("drift");
    Map<String, Object> current = new TreeMap<>();
    for (int i = 0; i < COPIED; i++) {
      insert(p, i, current);
    }
    String yaml =
        p.yaml(
            String.join(
                "\n",
                "collections:",
                "  - name: as_json",
                "    columns:",
                "      - { field: v, type: jsonb }",
                "  - name: as_extra",
                "    extraColumn: extra",
                "    columns:",
                "      - { field: name, type: text }",
                "  - name: as_bigint",
                "    onError: deadletter",
                "    columns:",
                "      - { field: name, type: text }",
                "      - { field: v, column: v_num, type: bigint }"));
    try (Daemon daemon = p.startDaemon(yaml)) {
      TestPipeline.awaitState(daemon, CollectionState.STREAMING, Duration.ofSeconds(60));
      for (int i = COPIED; i < TOTAL; i++) {
        insert(p, i, current);
      }
      // Types change by update too, in copied and in streamed documents.
      Map<Integer, Object> drifts = new java.util.LinkedHashMap<>();
      drifts.put(0, "text 1"); // integer -> string
      drifts.put(1, 100); // string -> integer
      drifts.put(2, 3); // sub-document -> integer
      drifts.put(3, new Document("k", 4).append("tag", "t4")); // integer -> sub-document
      drifts.put(31, new Document("k", 310)); // string -> sub-document
      drifts.put(32, "text 32 again"); // sub-document -> string
      drifts.put(33, 330); // integer -> integer, the last change
      drifts.forEach(
          (i, drifted) -> {
            for (String name : COLLECTIONS) {
              p.collection(name).updateOne(Filters.eq("_id", id(i)), Updates.set("v", drifted));
            }
            current.put(id(i), drifted);
          });
      long ints = current.values().stream().filter(Integer.class::isInstance).count();
      // Each collection applies its changes in order: the last one seen means all were applied.
      TestPipeline.await(
          () ->
              p.number("SELECT count(*) FROM as_json WHERE v = '330'::jsonb") == 1
                  && p.number("SELECT count(*) FROM as_extra WHERE extra->'v' = '330'") == 1
                  && p.number("SELECT count(*) FROM as_bigint WHERE v_num = 330") == 1,
          Duration.ofSeconds(30),
          () -> "the last change: " + daemon.status());
      assertThat(p.count("as_json")).isEqualTo(TOTAL);
      assertThat(p.count("as_extra")).isEqualTo(TOTAL);
      assertThat(p.count("as_bigint")).isEqualTo(ints);
      for (String name : COLLECTIONS) {
        assertThat(TestPipeline.status(daemon, name).state())
            .as(name)
            .isEqualTo(CollectionState.STREAMING);
      }
    }

    Map<String, Long> byType =
        current.values().stream()
            .collect(
                Collectors.groupingBy(
                    v ->
                        v instanceof Integer ? "number" : v instanceof String ? "string" : "object",
                    TreeMap::new,
                    Collectors.counting()));
    String typeCounts =
        "SELECT t || ' ' || count(*) FROM (SELECT jsonb_typeof(%s) AS t FROM %s) x"
            + " GROUP BY t ORDER BY t";
    List<String> expectedCounts =
        byType.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList();
    assertThat(p.query(String.format(typeCounts, "v", "as_json"))).isEqualTo(expectedCounts);
    assertThat(p.query(String.format(typeCounts, "extra->'v'", "as_extra")))
        .isEqualTo(expectedCounts);

    // Each kind is queryable in SQL: numbers as numbers, strings as text, sub-documents by path.
    assertThat(
            p.query(
                "SELECT _id FROM as_json"
                    + " WHERE CASE WHEN jsonb_typeof(v) = 'number' THEN v::bigint > 55 END"
                    + " ORDER BY _id"))
        .containsExactly("d-1", "d-33", "d-57");
    assertThat(p.query("SELECT v->>'tag' FROM as_json WHERE _id = 'd-5'")).containsExactly("t5");
    assertThat(p.query("SELECT extra->>'v' FROM as_extra WHERE _id = 'd-4'"))
        .containsExactly("text 4");
    assertThat(p.query("SELECT extra->'v'->>'k' FROM as_extra WHERE _id = 'd-3'"))
        .as("d-3 drifted from an integer to a sub-document")
        .containsExactly("4");
    for (Map.Entry<String, Object> e : current.entrySet()) {
      assertThat(p.query("SELECT v::text FROM as_json WHERE _id = '" + e.getKey() + "'"))
          .as(e.getKey())
          .hasSize(1);
    }

    // As bigint: exactly the integers are rows, every other document a dead letter.
    List<String> intIds =
        current.entrySet().stream()
            .filter(e -> e.getValue() instanceof Integer)
            .map(Map.Entry::getKey)
            .toList();
    assertThat(p.query("SELECT _id FROM as_bigint ORDER BY _id")).isEqualTo(intIds);
    assertThat(p.query("SELECT v_num::text FROM as_bigint WHERE _id = 'd-2'"))
        .as("d-2 drifted from a sub-document to an integer")
        .containsExactly("3");
    List<String> deadLettered =
        p.query(
            "SELECT DISTINCT document_key FROM tidemark.dead_letter"
                + " WHERE collection = 'as_bigint'");
    current.forEach(
        (id, v) -> {
          if (!(v instanceof Integer)) {
            assertThat(deadLettered).as("dead letter for %s", id).contains(id);
          }
        });
    assertThat(reasonFor(p, "d-40"))
        .containsExactly(
            "as_bigint.v (document _id d-40): String '\"text 40\"' cannot be stored in column v_num"
                + " bigint: it is not a number; map the field as text or jsonb");
    assertThat(reasonFor(p, "d-0"))
        .as("d-0 drifted from an integer to a string after the copy")
        .containsExactly(
            "as_bigint.v (document _id d-0): String '\"text 1\"' cannot be stored in column v_num"
                + " bigint: it is not a number; map the field as text or jsonb");
    assertThat(reasonFor(p, "d-5"))
        .containsExactly(
            "as_bigint.v (document _id d-5): Document '{\"k\": 5, \"tag\": \"t5\"}' cannot be"
                + " stored in column v_num bigint: it is not a number; map the field as text or"
                + " jsonb");
  }

  private static String id(int i) {
    return "d-" + i;
  }

  private static void insert(TestPipeline p, int i, Map<String, Object> current) {
    for (String name : COLLECTIONS) {
      MongoCollection<Document> c = p.collection(name);
      c.insertOne(new Document("_id", id(i)).append("name", "n" + i).append("v", v(i)));
    }
    current.put(id(i), v(i));
  }

  private static List<String> reasonFor(TestPipeline p, String id) throws Exception {
    return p.query(
        "SELECT DISTINCT reason FROM tidemark.dead_letter WHERE collection = 'as_bigint'"
            + " AND document_key = '"
            + id
            + "'");
  }
}
