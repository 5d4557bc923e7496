package io.tidemark.app.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.tidemark.app.Daemon;
import io.tidemark.app.admin.AdminBackend;
import io.tidemark.app.admin.AdminServer;
import io.tidemark.app.cli.ExitCodes;
import io.tidemark.app.cli.TidemarkCommand;
import io.tidemark.app.verify.Difference.Kind;
import io.tidemark.core.config.TidemarkConfig;
import io.tidemark.core.config.TidemarkConfig.AdminConfig;
import io.tidemark.core.config.YamlConfigLoader;
import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.pipeline.CollectionState;
import io.tidemark.core.pipeline.CollectionStatus;
import io.tidemark.harness.postgres.PostgresServer;
import io.tidemark.harness.standin.StandInMongo;
import io.tidemark.sink.jdbc.write.JdbcChangeSink;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.bson.Document;
import org.bson.types.Decimal128;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Verify and repair against the real pipeline on embedded servers: the daemon fills the tables,
 * then rows are changed behind its back while it is stopped.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VerifyEndToEndTest {
  private static final int ORDERS = 1500;
  private static StandInMongo mongo;
  private static PostgresServer postgres;
  private static DataSource database;
  private static String databaseUrl;
  private static MongoClient client;
  private static TidemarkConfig config;
  private static String yaml;

  @TempDir static Path dir;

  @BeforeAll
  static void fillTables() throws Exception {
    mongo = StandInMongo.start();
    postgres = PostgresServer.shared();
    databaseUrl = postgres.newDatabase("verify_end_to_end");
    database = postgres.dataSource(databaseUrl);
    client = MongoClients.create(mongo.connectionString());
    MongoDatabase db = client.getDatabase("shop");
    List<Document> orders = new ArrayList<>();
    for (int i = 0; i < ORDERS; i++) {
      orders.add(
          new Document("_id", "o" + i)
              .append("total", i * 1.5)
              .append("qty", i)
              .append("price", new Decimal128(new BigDecimal(i + ".10")))
              .append("at", new Date(1714557600000L + i))
              .append("lines", List.of(new Document("sku", "s" + i).append("n", 1.0))));
    }
    db.getCollection("orders").insertMany(orders);
    List<Document> customers = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      customers.add(
          new Document("_id", i)
              .append("name", "c" + i)
              .append("age", 20 + i)
              .append("since", new Date(1700000000000L + i * 1000L))
              .append("vip", i % 2 == 0));
    }
    customers.add(new Document("_id", 1000).append("name", "too old").append("age", "x"));
    db.getCollection("customers").insertMany(customers);
    yaml =
        String.join(
            "\n",
            "pipeline: vt",
            "source: { uri: \"" + mongo.connectionString() + "\", database: shop }",
            "sink: { jdbcUrl: \""
                + databaseUrl
                + "\", username: "
                + postgres.username()
                + ", password: "
                + postgres.password()
                + " }",
            "admin: { port: -1 }",
            "collections:",
            "  - name: orders",
            "  - name: customers",
            "    table: crm",
            "    onError: deadletter",
            "    columns:",
            "      - { field: name, type: text }",
            "      - { field: age, type: integer }",
            "      - { field: since, type: timestamptz }",
            "      - { field: vip, type: boolean }",
            "");
    config = new YamlConfigLoader().parse(yaml, "test");
    try (Daemon daemon = Daemon.start(config)) {
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (!daemon.status().stream().allMatch(s -> s.state() == CollectionState.STREAMING)) {
        assertThat(System.nanoTime()).as("%s", daemon.status()).isLessThan(deadline);
        Thread.sleep(100);
      }
    }
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    mongo.close();
  }

  private static void sql(String... statements) throws Exception {
    try (Connection c = database.getConnection();
        Statement st = c.createStatement()) {
      for (String s : statements) {
        st.execute(s);
      }
    }
  }

  private static String query(String sql) throws Exception {
    try (Connection c = database.getConnection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      StringBuilder out = new StringBuilder();
      while (rs.next()) {
        out.append(rs.getString(1)).append('\n');
      }
      return out.toString();
    }
  }

  private static VerifyReport verify(boolean repair, int maxKeys) throws Exception {
    return new Verifier(config, new VerifyOptions(null, repair, 20, maxKeys)).run();
  }

  private static int cli(StringWriter out, StringWriter err, String... args) {
    CommandLine cli = new CommandLine(new TidemarkCommand());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  @Order(1)
  void aFreshCopyIsIdentical() throws Exception {
    VerifyReport report = verify(false, 100_000);
    assertThat(report.identical()).as(VerifyReportWriter.text(report)).isTrue();
    CollectionResult orders = report.collections().get(0);
    assertThat(orders.documents()).isEqualTo(ORDERS);
    assertThat(orders.rows()).isEqualTo(ORDERS);
    CollectionResult customers = report.collections().get(1);
    assertThat(customers.table()).isEqualTo("\"public\".\"crm\"");
    assertThat(customers.documents()).isEqualTo(51);
    assertThat(customers.unmappable()).as("the dead-lettered document has no row").isEqualTo(1);
    assertThat(customers.rows()).isEqualTo(50);
    assertThat(VerifyReportWriter.text(report))
        .isEqualTo(
            "orders -> \"public\".\"orders\": 1500 documents, 1500 rows: identical\n"
                + "customers -> \"public\".\"crm\": 51 documents, 50 rows (1 documents cannot be"
                + " mapped and have no row): identical\n"
                + "verdict: identical (2 of 2 collection(s) match their table)\n");
  }

  @Test
  @Order(2)
  void changesBehindTidemarksBackAreFoundByKeyAndKind() throws Exception {
    sql(
        "UPDATE orders SET doc = jsonb_set(doc, '{qty}', '999') WHERE _id = 'o5'",
        "DELETE FROM orders WHERE _id = 'o7'",
        "INSERT INTO orders VALUES ('ghost', '{\"_id\": \"ghost\"}')",
        // Same value, other written form: not a difference.
        "UPDATE orders SET doc = jsonb_set(doc, '{total}', '15.00') WHERE _id = 'o10'",
        "UPDATE crm SET age = age + 1 WHERE _id = '3'",
        "UPDATE crm SET since = since + interval '1 millisecond' WHERE _id = '4'",
        "INSERT INTO crm (_id, name) VALUES ('1000', 'dead letter with a row')",
        "INSERT INTO crm (_id, name) VALUES ('999', 'nobody')");
    for (int maxKeys : new int[] {100_000, 1}) {
      VerifyReport report = verify(false, maxKeys);
      assertThat(report.identical()).isFalse();
      assertThat(report.differences()).isEqualTo(7);
      CollectionResult orders = report.collections().get(0);
      assertThat(orders.examples())
          .as("maxKeysInMemory %d", maxKeys)
          .containsExactlyInAnyOrder(
              new Difference("o5", Kind.DIFFERENT, "columns differ: doc"),
              new Difference("o7", Kind.MISSING_IN_TABLE, "no row for the document"),
              new Difference("ghost", Kind.EXTRA_IN_TABLE, "no document with this key"));
      assertThat(orders.missing()).isEqualTo(1);
      assertThat(orders.extra()).isEqualTo(1);
      assertThat(orders.different()).isEqualTo(1);
      CollectionResult customers = report.collections().get(1);
      assertThat(customers.examples())
          .containsExactlyInAnyOrder(
              new Difference("3", Kind.DIFFERENT, "columns differ: age"),
              new Difference("4", Kind.DIFFERENT, "columns differ: since"),
              new Difference("999", Kind.EXTRA_IN_TABLE, "no document with this key"),
              new Difference(
                  "1000",
                  Kind.EXTRA_IN_TABLE,
                  "the document cannot be mapped: String '\"x\"' cannot be stored in column age"
                      + " integer: it is not a number; map the field as text or jsonb"));
      assertThat(report.clean()).isFalse();
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Path file = Files.writeString(dir.resolve("tidemark.yaml"), yaml);
    assertThat(cli(out, err, "verify", "--config", file.toString(), "--collection", "orders"))
        .isEqualTo(ExitCodes.DIFFERENCES);
    assertThat(out.toString())
        .isEqualTo(
            "orders -> \"public\".\"orders\": 1500 documents, 1500 rows: 3 difference(s): 1"
                + " missing in table, 1 extra in table, 1 different\n"
                + "    extra in table    ghost  (no document with this key)\n"
                + "    different         o5  (columns differ: doc)\n"
                + "    missing in table  o7  (no row for the document)\n"
                + "verdict: 3 difference(s) in 1 of 1 collection(s); fix them with 'tidemark"
                + " verify --repair' while the daemon is stopped\n");
  }

  @Test
  @Order(3)
  void repairRefusesWhileADaemonAnswers() throws Exception {
    AdminBackend nothing =
        new AdminBackend() {
          @Override
          public String pipeline() {
            return "vt";
          }

          @Override
          public List<CollectionStatus> status() {
            return List.of();
          }

          @Override
          public String scrapeMetrics() {
            return "";
          }

          @Override
          public Optional<CollectionControl> collection(String name) {
            return Optional.empty();
          }
        };
    // A daemon with a token the configuration does not know still counts as running.
    try (AdminServer fake = AdminServer.start(new AdminConfig(0, "127.0.0.1", "t"), nothing)) {
      Path file =
          Files.writeString(
              dir.resolve("running.yaml"),
              yaml.replace("admin: { port: -1 }", "admin: { port: " + fake.port() + " }"));
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      assertThat(cli(out, err, "verify", "--repair", "--config", file.toString()))
          .isEqualTo(ExitCodes.LOCKED);
      assertThat(err.toString())
          .isEqualTo(
              "tidemark: a Tidemark daemon answers at http://127.0.0.1:"
                  + fake.port()
                  + " (admin.port in "
                  + file
                  + "): stop the daemon first. --repair writes to the tables and must not race"
                  + " the daemon's writes; verify without --repair may run beside it.\n");
    }
    assertThat(verify(false, 100_000).differences()).as("nothing was repaired").isEqualTo(7);
  }

  @Test
  @Order(3)
  void repairRefusesWhileADaemonHoldsTheWriterLock() throws Exception {
    try (JdbcChangeSink daemonSink = JdbcChangeSink.openWriter(config.sink(), config.pipeline())) {
      assertThatThrownBy(() -> verify(true, 100_000))
          .isInstanceOf(TidemarkException.class)
          .hasMessageStartingWith("Pipeline 'vt' is already being written by tidemark ")
          .extracting(e -> ((TidemarkException) e).code())
          .isEqualTo(ErrorCode.LOCK_HELD);
      assertThat(verify(false, 100_000).differences())
          .as("verifying alone may run beside a daemon")
          .isEqualTo(7);
    }
  }

  @Test
  @Order(4)
  void repairFixesEveryDifferenceWithoutMovingTheCheckpoint() throws Exception {
    String checkpoints =
        "SELECT collection || ' ' || cluster_time || ' ' || position_token FROM"
            + " tidemark.checkpoint ORDER BY collection";
    String before = query(checkpoints);
    VerifyReport report = verify(true, 100_000);
    assertThat(report.clean()).as(VerifyReportWriter.text(report)).isTrue();
    assertThat(report.collections().get(0).repair())
        .extracting(CollectionResult.Repair::upserted, CollectionResult.Repair::deleted)
        .containsExactly(2L, 1L);
    assertThat(report.collections().get(1).repair())
        .extracting(CollectionResult.Repair::upserted, CollectionResult.Repair::deleted)
        .containsExactly(2L, 2L);
    assertThat(VerifyReportWriter.text(report))
        .contains(
            "    repaired: 2 row(s) written from their document, 1 deleted, at the committed position ")
        .endsWith(
            "verdict: repaired 7 difference(s) in 2 collection(s); run verify again to confirm\n");
    assertThat(query(checkpoints)).isEqualTo(before);
    VerifyReport again = verify(false, 100_000);
    assertThat(again.identical()).as(VerifyReportWriter.text(again)).isTrue();
  }

  @Test
  @Order(5)
  void anUnknownCollectionIsAConfigurationError() {
    assertThatThrownBy(() -> new Verifier(config, new VerifyOptions("nope", false, 20, 10)).run())
        .hasMessage(
            "--collection nope: no such collection in the configuration (configured: customers,"
                + " orders).");
  }

  @Test
  @Order(6)
  void jsonOutputCarriesCountsAndKeys() throws Exception {
    sql("DELETE FROM orders WHERE _id = 'o1'");
    var json = VerifyReportWriter.json(verify(false, 100_000));
    assertThat(json.get("identical").asBoolean()).isFalse();
    assertThat(json.get("differences").asLong()).isEqualTo(1);
    var orders = json.get("collections").get(0);
    assertThat(orders.get("missingInTable").asLong()).isEqualTo(1);
    assertThat(orders.get("differences").get(0).get("key").asText()).isEqualTo("o1");
    assertThat(orders.get("differences").get(0).get("kind").asText()).isEqualTo("MISSING_IN_TABLE");
    assertThat(orders.get("repair").isNull()).isTrue();
  }
}
