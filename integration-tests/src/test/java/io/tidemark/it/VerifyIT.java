package io.tidemark.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.app.Daemon;
import io.tidemark.app.verify.CollectionResult;
import io.tidemark.app.verify.Difference;
import io.tidemark.app.verify.Difference.Kind;
import io.tidemark.app.verify.Verifier;
import io.tidemark.app.verify.VerifyOptions;
import io.tidemark.app.verify.VerifyReport;
import io.tidemark.app.verify.VerifyReportWriter;
import io.tidemark.core.config.TidemarkConfig;
import io.tidemark.core.config.YamlConfigLoader;
import io.tidemark.core.pipeline.CollectionState;
import io.tidemark.it.support.CounterWorkload;
import io.tidemark.it.support.EngineProcess;
import io.tidemark.it.support.TestPipeline;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.bson.types.Decimal128;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * verify finds rows changed, deleted and added behind Tidemark's back, by key; --repair fixes
 * exactly those at the committed position, and a second verify is clean. Verify runs while the
 * daemon is stopped; --repair is refused while one writes the pipeline.
 */
class VerifyIT {
  private static final String CHECKPOINTS =
      "SELECT collection || ' ' || cluster_time || ' ' || position_token FROM tidemark.checkpoint"
          + " ORDER BY collection";

  @Test
  void findsInjectedDifferencesAndRepairsThem(@TempDir Path dir) throws Exception {
    TestPipeline p = TestPipeline.create("verify");
    CounterWorkload workload = new CounterWorkload(p.collection("items"), 51);
    workload.seed(3_000);
    List<Document> people = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      people.add(
          new Document("_id", "p" + i)
              .append("name", "person " + i)
              .append("age", 20 + i % 60)
              .append("balance", new Decimal128(new BigDecimal(i + ".50")))
              .append("joined", new Date(1_600_000_000_000L + i * 86_400_000L))
              .append("tags", List.of("a", "b")));
    }
    p.collection("people").insertMany(people);
    String yaml =
        p.yaml(
            "admin: { port: -1 }\n"
                + "collections:\n"
                + "  - name: items\n"
                + "  - name: people\n"
                + "    columns:\n"
                + "      - { field: name, type: text }\n"
                + "      - { field: age, type: integer }\n"
                + "      - { field: balance, type: \"numeric(12,2)\" }\n"
                + "      - { field: joined, type: timestamptz }\n"
                + "      - { field: tags, type: jsonb }");
    TidemarkConfig config = new YamlConfigLoader().parse(yaml, "test configuration");
    try (Daemon daemon = Daemon.start(config)) {
      TestPipeline.awaitState(daemon, CollectionState.STREAMING, Duration.ofSeconds(60));
      for (int i = 0; i < 300; i++) {
        workload.step();
      }
      p.awaitMatch("items", "items", Duration.ofSeconds(60));
    }
    Path file = p.writeConfig(dir, yaml);

    EngineProcess.Outcome clean =
        EngineProcess.runToEnd(dir, "verify", "--config", file.toString());
    assertThat(clean.exitCode()).as(clean.output()).isZero();
    assertThat(clean.output())
        .contains("verdict: identical (2 of 2 collection(s) match their table)");

    // Behind Tidemark's back: a row changed, a row deleted, a row added, a typed value changed.
    String changed = p.query("SELECT _id FROM items ORDER BY _id LIMIT 1 OFFSET 10").get(0);
    String deleted = p.query("SELECT _id FROM items ORDER BY _id LIMIT 1 OFFSET 20").get(0);
    sql(
        p,
        "UPDATE items SET doc = jsonb_set(doc, '{counter}', '777') WHERE _id = '" + changed + "'",
        "DELETE FROM items WHERE _id = '" + deleted + "'",
        "INSERT INTO items (_id, doc) VALUES ('behind-your-back', '{\"_id\": \"behind-your-back\"}')",
        "UPDATE people SET balance = balance + 0.01 WHERE _id = 'p7'");
    String checkpointsBefore = String.join("\n", p.query(CHECKPOINTS));

    VerifyReport report = new Verifier(config, new VerifyOptions(null, false, 20, 100_000)).run();
    assertThat(report.differences()).as(VerifyReportWriter.text(report)).isEqualTo(4);
    CollectionResult items = report.collections().get(0);
    assertThat(items.examples())
        .containsExactlyInAnyOrder(
            new Difference(changed, Kind.DIFFERENT, "columns differ: doc"),
            new Difference(deleted, Kind.MISSING_IN_TABLE, "no row for the document"),
            new Difference("behind-your-back", Kind.EXTRA_IN_TABLE, "no document with this key"));
    assertThat(report.collections().get(1).examples())
        .containsExactly(new Difference("p7", Kind.DIFFERENT, "columns differ: balance"));

    EngineProcess.Outcome found =
        EngineProcess.runToEnd(dir, "verify", "--config", file.toString());
    assertThat(found.exitCode()).as(found.output()).isEqualTo(5);
    assertThat(found.output())
        .contains(
            "items -> \"public\".\"items\": "
                + items.documents()
                + " documents, "
                + items.rows()
                + " rows: 3 difference(s): 1 missing in table, 1 extra in table, 1 different\n")
        .containsPattern("\\n    different +" + changed + "  \\(columns differ: doc\\)\\n")
        .containsPattern(
            "\\n    missing in table +" + deleted + "  \\(no row for the document\\)\\n")
        .containsPattern(
            "\\n    extra in table +behind-your-back  \\(no document with this key\\)\\n")
        .contains("    different  p7  (columns differ: balance)\n")
        .contains(
            "verdict: 4 difference(s) in 2 of 2 collection(s); fix them with 'tidemark verify"
                + " --repair' while the daemon is stopped");

    // --repair is refused while a daemon holds the pipeline's writer lock.
    try (Daemon daemon = Daemon.start(config)) {
      EngineProcess.Outcome refused =
          EngineProcess.runToEnd(dir, "verify", "--repair", "--config", file.toString());
      assertThat(refused.exitCode()).as(refused.output()).isEqualTo(4);
      assertThat(refused.output())
          .contains("tidemark: Pipeline 'it' is already being written by tidemark ")
          .contains("stop that process first");
    }

    EngineProcess.Outcome repaired =
        EngineProcess.runToEnd(dir, "verify", "--repair", "--config", file.toString());
    assertThat(repaired.exitCode()).as(repaired.output()).isZero();
    assertThat(repaired.output())
        .contains("    repaired: 2 row(s) written from their document, 1 deleted, at the committed")
        .contains("    repaired: 1 row(s) written from their document, 0 deleted, at the committed")
        .contains(
            "verdict: repaired 4 difference(s) in 2 collection(s); run verify again to confirm");
    assertThat(String.join("\n", p.query(CHECKPOINTS)))
        .as("the repair did not move any checkpoint")
        .isEqualTo(checkpointsBefore);

    EngineProcess.Outcome again =
        EngineProcess.runToEnd(dir, "verify", "--config", file.toString());
    assertThat(again.exitCode()).as(again.output()).isZero();
    assertThat(again.output())
        .contains("verdict: identical (2 of 2 collection(s) match their table)");
    p.awaitMatch("items", "items", Duration.ofSeconds(5));

    // The daemon carries on from its position after the repair.
    try (Daemon daemon = Daemon.start(config)) {
      TestPipeline.awaitState(daemon, CollectionState.STREAMING, Duration.ofSeconds(60));
      for (int i = 0; i < 50; i++) {
        workload.step();
      }
      p.awaitMatch("items", "items", Duration.ofSeconds(60));
    }
    assertThat(new Verifier(config, VerifyOptions.defaults()).run().identical()).isTrue();
  }

  private static void sql(TestPipeline p, String... statements) throws Exception {
    try (Connection c = p.sink().getConnection();
        Statement st = c.createStatement()) {
      for (String s : statements) {
        st.execute(s);
      }
    }
  }
}
