package io.tidemark.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tidemark.app.Daemon;
import io.tidemark.core.config.ConfigKeys;
import io.tidemark.core.config.StreamScope;
import io.tidemark.core.config.YamlConfigLoader;
import io.tidemark.core.pipeline.CollectionState;
import io.tidemark.core.pipeline.CollectionStatus;
import io.tidemark.core.pipeline.PhaseListener;
import io.tidemark.harness.postgres.PostgresServer;
import io.tidemark.it.fixture.MongoFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One test's pipeline: a fresh MongoDB database and a fresh PostgreSQL database, the YAML that
 * points Tidemark at them, and the checks tests need (table equals collection, states, waits).
 */
public final class TestPipeline {
  private final MongoFixture mongo;
  private final PostgresServer postgres;
  private final String databaseName;
  private final String jdbcUrl;
  private final PGSimpleDataSource sinkDataSource;
  private String mongoUri;

  private TestPipeline(MongoFixture mongo, PostgresServer postgres, String prefix) {
    this.mongo = mongo;
    this.postgres = postgres;
    this.databaseName = mongo.newDatabaseName(prefix);
    this.jdbcUrl = postgres.newDatabase(prefix);
    this.mongoUri = mongo.connectionString();
    this.sinkDataSource = new PGSimpleDataSource();
    sinkDataSource.setUrl(jdbcUrl);
    sinkDataSource.setUser(postgres.username());
    sinkDataSource.setPassword(postgres.password());
  }

  public static TestPipeline create(String prefix) {
    return new TestPipeline(MongoFixture.start(), PostgresServer.shared(), prefix);
  }

  /** Makes Tidemark connect through another address (a proxy) instead of the server itself. */
  public TestPipeline viaMongoUri(String uri) {
    this.mongoUri = uri;
    return this;
  }

  public MongoFixture mongo() {
    return mongo;
  }

  public MongoDatabase db() {
    return mongo.client().getDatabase(databaseName);
  }

  public MongoCollection<Document> collection(String name) {
    return db().getCollection(name);
  }

  public DataSource sink() {
    return sinkDataSource;
  }

  public String jdbcUrl() {
    return jdbcUrl;
  }

  /**
   * The configuration text for these databases.
   *
   * @param extra YAML appended verbatim: the {@code collections:} list and any tuning sections
   */
  public String yaml(String extra) {
    return yaml(extra, ConfigKeys.SOURCE_STREAM_SCOPE.defaultValue());
  }

  /** The configuration with {@code source.streamScope} set. */
  public String yaml(String extra, StreamScope streamScope) {
    return String.join(
        "\n",
        "pipeline: it",
        "source: { uri: \""
            + mongoUri
            + "\", database: "
            + databaseName
            + ", streamScope: "
            + streamScope.name().toLowerCase(java.util.Locale.ROOT)
            + " }",
        "sink: { jdbcUrl: \""
            + jdbcUrl
            + "\", username: \""
            + postgres.username()
            + "\", password: \""
            + postgres.password()
            + "\", schema: public, poolSize: 4 }",
        "retry: { initialDelay: 200ms, maxDelay: 2s }",
        // A free port per daemon, so tests never collide on the default 8089.
        extra.contains("admin:") ? "" : "admin: { port: 0 }",
        extra,
        "");
  }

  public Path writeConfig(Path dir, String yaml) throws java.io.IOException {
    Path file = dir.resolve("tidemark.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  /** Starts a daemon in this JVM; its MongoDB commands are recorded ({@code CommandRecorder}). */
  public Daemon startDaemon(String yaml) {
    return Daemon.start(
        new YamlConfigLoader().parse(yaml, "test configuration"),
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
        PhaseListener.NONE,
        mongo.commandListeners());
  }

  public TableComparison.Result compare(String collection, String table) throws SQLException {
    MongoCollection<RawBsonDocument> c = db().getCollection(collection, RawBsonDocument.class);
    return TableComparison.compare(c, sinkDataSource, "\"public\".\"" + table + "\"", "_id", "doc");
  }

  /** Waits until the table equals the collection; fails with the last difference. */
  public TableComparison.Result awaitMatch(String collection, String table, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    TableComparison.Result last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = compare(collection, table);
        if (last.matches()) {
          return last;
        }
      } catch (SQLException e) {
        // Table not created yet.
      }
      Thread.sleep(300);
    }
    assertThat(last).as("table %s never matched collection %s", table, collection).isNotNull();
    assertThat(last.matches())
        .as("table %s vs collection %s: %s", table, collection, last)
        .isTrue();
    return last;
  }

  public static void awaitState(Daemon daemon, CollectionState state, Duration timeout)
      throws InterruptedException {
    if (!daemon.awaitAll(state, timeout, () -> {})) {
      throw new AssertionError("collections did not all reach " + state + ": " + daemon.status());
    }
  }

  public static void await(
      BooleanSupplier condition, Duration timeout, java.util.function.Supplier<String> message)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(message.get());
      }
      Thread.sleep(100);
    }
  }

  public static CollectionStatus status(Daemon daemon, String collection) {
    return daemon.status().stream()
        .filter(s -> s.collection().equals(collection))
        .findFirst()
        .orElseThrow();
  }

  /** Runs a query and returns the first column of every row as text. */
  public List<String> query(String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = sinkDataSource.getConnection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  /**
   * The number a one-value query returns, or -1 while the query fails (a table not created yet):
   * for conditions polled with {@link #await}.
   */
  public long number(String sql) {
    try {
      return Long.parseLong(query(sql).get(0));
    } catch (SQLException e) {
      return -1;
    }
  }

  public long count(String table) throws SQLException {
    return Long.parseLong(query("SELECT count(*) FROM \"public\".\"" + table + "\"").get(0));
  }
}
