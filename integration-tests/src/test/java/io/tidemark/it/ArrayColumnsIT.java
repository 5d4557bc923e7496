package io.tidemark.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.tidemark.app.Daemon;
import io.tidemark.app.verify.CollectionResult;
import io.tidemark.app.verify.Verifier;
import io.tidemark.app.verify.VerifyOptions;
import io.tidemark.app.verify.VerifyReportWriter;
import io.tidemark.core.config.YamlConfigLoader;
import io.tidemark.core.pipeline.CollectionState;
import io.tidemark.it.support.TestPipeline;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.types.Decimal128;
import org.junit.jupiter.api.Test;

/**
 * Arrays of scalars into array columns, through the copy and the stream: awkward text elements,
 * empty arrays, null elements, missing fields, updates that change an array; and an element that
 * does not fit goes to the dead-letter table named by its index while the rest commit.
 */
class ArrayColumnsIT {

  /** Text that the array literal, COPY and the upsert parameter each have to escape. */
  private static final List<String> AWKWARD =
      Arrays.asList(
          "plain",
          "quote \" inside",
          "back\\slash \\N",
          "comma, here",
          "{braces}",
          "NULL",
          "",
          null,
          " spaced ",
          "tab\tnewline\n",
          "ünï €");

  private static final String LISTS =
      String.join(
          "\n",
          "  - name: lists",
          "    documentColumn: doc",
          "    columns:",
          "      - { field: tags, type: 'text[]' }",
          "      - { field: counts, type: 'bigint[]' }",
          "      - { field: small, type: 'integer[]' }",
          "      - { field: ratios, type: 'double precision[]' }",
          "      - { field: prices, type: 'numeric(12,2)[]' }",
          "      - { field: flags, type: 'boolean[]' }",
          "      - { field: nested.ids, column: nested_ids, type: 'bigint[]' }");

  private static final String STRICT =
      String.join(
          "\n",
          "  - name: strict",
          "    onError: deadletter",
          "    columns:",
          "      - { field: counts, type: 'bigint[]' }",
          "      - { field: tags, type: 'text[]' }");

  private static Document full(String id) {
    return new Document("_id", id)
        .append("tags", AWKWARD)
        .append("counts", Arrays.asList(Long.MIN_VALUE, null, 0, Long.MAX_VALUE))
        .append("small", List.of(Integer.MIN_VALUE, 7.0))
        .append("ratios", List.of(0.1, -0.0, Double.NaN, Double.NEGATIVE_INFINITY, 1e300))
        .append("prices", List.of(new Decimal128(new BigDecimal("12.30")), 5))
        .append("flags", Arrays.asList(true, null, false))
        .append("nested", new Document("ids", List.of(3L, 1L, 2L)));
  }

  private static Document empty(String id) {
    return new Document("_id", id)
        .append("tags", List.of())
        .append("counts", List.of())
        .append("small", List.of())
        .append("ratios", List.of())
        .append("prices", List.of())
        .append("flags", List.of())
        .append("nested", new Document("ids", List.of()));
  }

  /** What each column of a {@link #full} row reads back as. */
  private static Map<String, List<Object>> fullRow() {
    Map<String, List<Object>> row = new LinkedHashMap<>();
    row.put("tags", new ArrayList<>(AWKWARD));
    row.put("counts", Arrays.asList(Long.MIN_VALUE, null, 0L, Long.MAX_VALUE));
    row.put("small", List.of(Integer.MIN_VALUE, 7));
    row.put("ratios", List.of(0.1, -0.0, Double.NaN, Double.NEGATIVE_INFINITY, 1e300));
    row.put("prices", List.of(new BigDecimal("12.30"), new BigDecimal("5.00")));
    row.put("flags", Arrays.asList(true, null, false));
    row.put("nested_ids", List.of(3L, 1L, 2L));
    return row;
  }

  @Test
  void arraysAreCopiedAndStreamedIntoArrayColumns() throws Exception {
    TestPipeline p = TestPipeline.create("arrays");
    MongoCollection<Document> lists = p.collection("lists");
    MongoCollection<Document> strict = p.collection("strict");
    lists.insertMany(List.of(full("c-full"), empty("c-empty"), new Document("_id", "c-missing")));
    lists.insertOne(full("c-changed"));
    strict.insertOne(new Document("_id", "c-ok").append("counts", List.of(1, 2)));
    strict.insertOne(new Document("_id", "c-bad").append("counts", List.of(1, 2, 3, "four")));

    String yaml = p.yaml("collections:\n" + LISTS + "\n" + STRICT);
    try (Daemon daemon = p.startDaemon(yaml)) {
      TestPipeline.awaitState(daemon, CollectionState.STREAMING, Duration.ofSeconds(60));
      lists.insertMany(List.of(full("s-full"), empty("s-empty"), new Document("_id", "s-missing")));
      lists.updateOne(
          Filters.eq("_id", "c-changed"),
          Updates.combine(
              Updates.push("tags", "pushed \"late\""),
              Updates.set("counts", List.of(42)),
              Updates.unset("flags")));
      strict.insertOne(new Document("_id", "s-ok").append("counts", List.of(-1)));
      strict.insertOne(
          new Document("_id", "s-bad")
              .append("counts", List.of(9))
              .append("tags", List.of("a", new Document("k", "v"))));
      TestPipeline.await(
          () -> p.number("SELECT count(*) FROM lists") == 7 && deadLetters(p) == 2,
          Duration.ofSeconds(30),
          () ->
              p.number("SELECT count(*) FROM lists")
                  + " rows, "
                  + deadLetters(p)
                  + " dead-lettered documents: "
                  + daemon.status());
      TestPipeline.await(
          () -> p.number("SELECT count(*) FROM lists WHERE counts = '{42}'") == 1,
          Duration.ofSeconds(30),
          () -> "the update of c-changed: " + daemon.status());
      assertThat(TestPipeline.status(daemon, "strict").state())
          .isEqualTo(CollectionState.STREAMING);
    }

    Map<String, List<Object>> expected = fullRow();
    for (String id : List.of("c-full", "s-full")) {
      assertThat(read(p, "lists", id, expected.keySet())).as(id).isEqualTo(expected);
    }
    for (String id : List.of("c-empty", "s-empty")) {
      for (String column : expected.keySet()) {
        assertThat(read(p, "lists", id, List.of(column)).get(column)).as(id).isEmpty();
      }
    }
    for (String id : List.of("c-missing", "s-missing")) {
      for (String column : expected.keySet()) {
        assertThat(read(p, "lists", id, List.of(column)).get(column))
            .as("%s.%s is SQL NULL", id, column)
            .isNull();
      }
    }
    Map<String, List<Object>> changed = read(p, "lists", "c-changed", expected.keySet());
    List<Object> pushed = new ArrayList<>(AWKWARD);
    pushed.add("pushed \"late\"");
    assertThat(changed.get("tags")).isEqualTo(pushed);
    assertThat(changed.get("counts")).isEqualTo(List.of(42L));
    assertThat(changed.get("flags")).isNull();
    assertThat(p.query("SELECT tags[2] FROM lists WHERE _id = 'c-full'"))
        .as("elements are queryable with SQL")
        .containsExactly("quote \" inside");
    assertThat(p.query("SELECT _id FROM lists WHERE 2 = ANY(nested_ids) ORDER BY _id"))
        .containsExactly("c-changed", "c-full", "s-full");

    assertThat(p.query("SELECT _id || ' ' || counts::text FROM strict ORDER BY _id"))
        .containsExactly("c-ok {1,2}", "s-ok {-1}");
    assertThat(
            p.query(
                "SELECT DISTINCT reason FROM tidemark.dead_letter WHERE collection = 'strict'"
                    + " ORDER BY reason"))
        .containsExactly(
            "strict.counts[3] (document _id c-bad): String '\"four\"' cannot be stored in column"
                + " counts bigint[]: it is not a number; map the field as text or jsonb",
            "strict.tags[1] (document _id s-bad): Document '{\"k\": \"v\"}' cannot be stored in"
                + " column tags text[]: an array column holds single numbers, strings or Booleans,"
                + " not a nested Document; map the field as jsonb");

    var report =
        new Verifier(
                new YamlConfigLoader().parse(yaml, "test configuration"), VerifyOptions.defaults())
            .run();
    CollectionResult verified =
        report.collections().stream()
            .filter(r -> r.collection().equals("lists"))
            .findFirst()
            .orElseThrow();
    assertThat(verified.identical()).as(VerifyReportWriter.text(report)).isTrue();
    assertThat(verified.rows()).isEqualTo(7);
  }

  /** The given array columns of one row, as JDBC reads them (null for SQL NULL). */
  private static Map<String, List<Object>> read(
      TestPipeline p, String table, String id, Iterable<String> columns) throws Exception {
    Map<String, List<Object>> row = new LinkedHashMap<>();
    try (Connection c = p.sink().getConnection();
        Statement st = c.createStatement()) {
      for (String column : columns) {
        try (ResultSet rs =
            st.executeQuery("SELECT " + column + " FROM " + table + " WHERE _id = '" + id + "'")) {
          assertThat(rs.next()).as("row %s", id).isTrue();
          Array array = rs.getArray(1);
          row.put(column, array == null ? null : Arrays.asList((Object[]) array.getArray()));
        }
      }
    }
    return row;
  }

  /** Documents with a dead letter (the stream may dead-letter a copied one again). */
  private static long deadLetters(TestPipeline p) {
    return p.number("SELECT count(DISTINCT document_key) FROM tidemark.dead_letter");
  }
}
