package io.tidemark.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.it.support.EngineProcess;
import io.tidemark.it.support.TestPipeline;
import java.nio.file.Path;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tidemark validate --sample N} against MongoDB: the DDL of every table, each field whose
 * sampled values do not fit with counts and reasons, exit 1 when documents would be refused and 0
 * when all fit, a warning naming a collection that does not exist yet, and nothing written
 * anywhere.
 */
class ValidateSampleIT {

  private static final String ORDERS =
      String.join(
          "\n",
          "  - name: orders",
          "    documentColumn: doc",
          "    columns:",
          "      - { field: price, type: 'numeric(12,2)' }",
          "      - { field: tags, type: 'text[]' }",
          "      - { field: qty, type: integer }");
  private static final String PEOPLE =
      String.join(
          "\n",
          "  - name: people",
          "    onError: deadletter",
          "    columns:",
          "      - { field: name, type: text }",
          "    children:",
          "      - field: pets",
          "        table: people_pets",
          "        columns:",
          "          - { field: name }");

  @Test
  void samplesEveryCollectionAndReportsWhatWouldNotFit(@TempDir Path dir) throws Exception {
    TestPipeline p = TestPipeline.create("validate");
    p.collection("orders")
        .insertMany(
            List.of(
                new Document("_id", "o1").append("price", 1.5).append("tags", List.of("a")),
                new Document("_id", "o2").append("price", 12.345).append("qty", 2),
                new Document("_id", "o3").append("tags", List.of("b", new Document("k", 1))),
                new Document("_id", "o4").append("qty", "many"),
                new Document("_id", "o5").append("price", 3).append("qty", 5)));
    p.collection("people")
        .insertMany(
            List.of(
                new Document("_id", 1)
                    .append("name", "Ann")
                    .append("pets", List.of(new Document("name", "Rex"))),
                new Document("_id", 2).append("name", "Bo"),
                new Document("_id", 3)));

    Path config = p.writeConfig(dir, p.yaml("collections:\n" + ORDERS + "\n" + PEOPLE));
    EngineProcess.Outcome all =
        EngineProcess.runToEnd(dir, "validate", "--config", config.toString(), "--sample", "100");

    assertThat(all.exitCode()).as(all.output()).isEqualTo(1);
    assertThat(all.output())
        .contains(": valid. Pipeline 'it', 2 collection(s):")
        .contains("Sampled up to 100 document(s) of each collection in MongoDB database '")
        .contains(
            "\norders: 5 document(s) sampled, 3 would be refused (onError fail: the collection"
                + " would stop at the first).\n")
        .contains(
            "  CREATE TABLE IF NOT EXISTS \"public\".\"orders\" (\"_id\" text PRIMARY KEY,"
                + " \"price\" numeric(12,2), \"tags\" text[], \"qty\" integer, \"doc\" jsonb);\n")
        .contains(
            "  field price -> column price numeric(12,2): 1 do not fit, 2 fit, 2 missing or null\n")
        .contains("  field tags -> column tags text[]: 1 do not fit, 1 fit, 3 missing or null\n")
        .contains("  field qty -> column qty integer: 1 do not fit, 2 fit, 2 missing or null\n")
        .contains(
            "    orders.price (document _id o2): Double '12.345' cannot be stored in column price"
                + " numeric(12,2): it has 3 decimal places")
        .contains(
            "    orders.tags[1] (document _id o3): Document '{\"k\": 1}' cannot be stored in column"
                + " tags text[]: an array column holds single numbers, strings or Booleans, not a"
                + " nested Document; map the field as jsonb\n")
        .contains(
            "    orders.qty (document _id o4): String '\"many\"' cannot be stored in column qty"
                + " integer: it is not a number")
        .contains("\npeople: 3 document(s) sampled, all fit.\n")
        .contains(
            "  CREATE TABLE IF NOT EXISTS \"public\".\"people\" (\"_id\" text PRIMARY KEY,"
                + " \"name\" text);\n"
                + "  CREATE TABLE IF NOT EXISTS \"public\".\"people_pets\" (\"_id\" text NOT NULL,"
                + " \"pets_index\" integer NOT NULL, \"name\" text, PRIMARY KEY (\"_id\","
                + " \"pets_index\"));\n")
        .contains("verdict: 3 sampled document(s) would be refused;")
        .doesNotContain("field name ->");

    EngineProcess.Outcome two =
        EngineProcess.runToEnd(dir, "validate", "--config", config.toString(), "--sample", "2");
    assertThat(two.output())
        .contains("\norders: 2 document(s) sampled")
        .contains("\npeople: 2 document(s) sampled");

    Path fits = dir.resolve("fits");
    java.nio.file.Files.createDirectories(fits);
    Path peopleOnly = p.writeConfig(fits, p.yaml("collections:\n" + PEOPLE));
    EngineProcess.Outcome clean =
        EngineProcess.runToEnd(
            dir, "validate", "--config", peopleOnly.toString(), "--sample", "10");
    assertThat(clean.exitCode()).as(clean.output()).isZero();
    assertThat(clean.output()).contains("verdict: every sampled document fits its table.");

    assertThat(
            p.query(
                "SELECT count(*) FROM information_schema.tables"
                    + " WHERE table_schema IN ('public', 'tidemark')"))
        .as("validate writes nothing to the sink")
        .containsExactly("0");
  }

  @Test
  void aCollectionThatDoesNotExistIsNamedInAWarning(@TempDir Path dir) throws Exception {
    TestPipeline p = TestPipeline.create("validate");
    p.collection("people").insertOne(new Document("_id", 1).append("name", "Ann"));
    Path config = p.writeConfig(dir, p.yaml("collections:\n" + PEOPLE + "\n  - name: ghosts\n"));

    EngineProcess.Outcome missing =
        EngineProcess.runToEnd(dir, "validate", "--config", config.toString(), "--sample", "5");

    // The daemon waits for a collection that does not exist yet, so validate warns and goes on.
    assertThat(missing.exitCode()).as(missing.output()).isZero();
    assertThat(missing.output())
        .contains("warning: collection ghosts does not exist in database '")
        .contains("' (existing: people). The daemon starts anyway: ghosts waits (state WAITING)")
        .contains("check collections[].name and source.database.")
        .contains("people: 1 document(s) sampled, all fit.")
        .contains("verdict: every sampled document fits its table.");

    EngineProcess.Outcome zero =
        EngineProcess.runToEnd(dir, "validate", "--config", config.toString(), "--sample", "0");
    assertThat(zero.exitCode()).isEqualTo(2);
    assertThat(zero.output()).contains("tidemark: --sample must be 1 or more, not 0.");
  }
}
