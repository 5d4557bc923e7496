package io.tidemark.app.verify;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.tidemark.core.config.ConfigKeys;
import io.tidemark.core.config.ConnectionStrings;
import io.tidemark.core.config.TidemarkConfig;
import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.position.Position;
import io.tidemark.core.spi.ChangeSink.CollectionProgress;
import io.tidemark.core.spi.ChangeSink.SnapshotState;
import io.tidemark.core.spi.ChangeSink.Target;
import io.tidemark.core.spi.TableSink;
import io.tidemark.sink.jdbc.dialect.SqlDialect;
import io.tidemark.sink.jdbc.write.JdbcChangeSink;
import io.tidemark.source.mongo.MongoChangeSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code tidemark verify}: compares every configured collection with its table (see {@link
 * CollectionVerifier} for how, in bounded memory) and, with repair, re-copies the differing keys
 * through the normal sink path at each collection's committed position, so the checkpoint does not
 * move.
 *
 * <p>Repair takes the pipeline's writer lock, so it refuses to run while a daemon writes the
 * pipeline (and a daemon cannot start while it repairs); the {@code verify} command also asks the
 * admin API first, for a clearer message. Verifying alone may run beside a daemon: keys whose
 * change is in flight are read again before they are reported, but a busy collection may still show
 * a few.
 */
public final class Verifier {
  private static final Logger LOG = LoggerFactory.getLogger(Verifier.class);

  /** The daemon's wait for a reachable server, for both databases. */
  private static final int CONNECT_TIMEOUT_SECONDS =
      (int) MongoChangeSource.CONNECT_TIMEOUT.toSeconds();

  private final TidemarkConfig config;
  private final VerifyOptions options;
  private final SqlDialect dialect;

  public Verifier(TidemarkConfig config, VerifyOptions options) {
    this.config = config;
    this.options = options;
    this.dialect = JdbcChangeSink.dialectFor(config.sink().jdbcUrl());
  }

  /**
   * @throws TidemarkException {@link ErrorCode#CONFIG_INVALID} for an unknown collection name,
   *     {@code SOURCE_*}/{@code SINK_*} when a database cannot be reached or read
   */
  public VerifyReport run() throws InterruptedException {
    List<TableMapping> mappings = selected();
    List<CollectionResult> results = new ArrayList<>();
    DataSource tables = dataSource();
    checkSinkReachable(tables);
    try (MongoClient client = openMongo();
        JdbcChangeSink sink = options.repair() ? writer() : null) {
      MongoDatabase database = client.getDatabase(config.source().database());
      Set<String> existing = new HashSet<>();
      database.listCollectionNames().into(existing);
      for (TableMapping mapping : mappings) {
        results.add(verify(mapping, database, existing, tables, sink));
      }
    } catch (MongoException e) {
      throw sourceFailed(e);
    }
    return new VerifyReport(config.pipeline(), options.repair(), results);
  }

  private CollectionResult verify(
      TableMapping mapping,
      MongoDatabase database,
      Set<String> existing,
      DataSource tables,
      JdbcChangeSink sink)
      throws InterruptedException {
    RowShape shape = new RowShape(mapping);
    String schema = schema();
    String table = dialect.qualify(schema, mapping.table());
    long started = System.nanoTime();
    if (!existing.contains(mapping.collection())) {
      return problem(
          mapping,
          table,
          "collection '"
              + mapping.collection()
              + "' does not exist in database '"
              + config.source().database()
              + "'");
    }
    try {
      boolean tableExists;
      try (Connection c = open(tables)) {
        tableExists = new TableRows(c, dialect, schema, shape).exists();
      }
      if (!tableExists) {
        return problem(
            mapping,
            table,
            "table " + table + " does not exist; 'tidemark run' creates and fills it");
      }
      CollectionVerifier.Repairer repairer = null;
      String position = null;
      if (sink != null) {
        TableSink live = sink.open(mapping, Target.LIVE);
        CollectionProgress progress = live.loadProgress();
        if (progress.snapshotState() != SnapshotState.DONE || progress.position().isEmpty()) {
          return problem(
              mapping,
              table,
              "not repaired: the collection has no finished copy yet (copy "
                  + progress.snapshotState()
                  + "); let 'tidemark run' finish the copy first");
        }
        Position committed = progress.position().get();
        position = committed.clusterTime().toString();
        repairer = changes -> live.applyBatch(changes, committed);
      }
      CollectionDocuments documents =
          new CollectionDocuments(
              database.getCollection(mapping.collection(), RawBsonDocument.class), shape);
      CollectionVerifier.TableSource source =
          new CollectionVerifier.TableSource() {
            @Override
            public <T> T withRows(CollectionVerifier.TableWork<T> work) throws SQLException {
              try (Connection c = open(tables)) {
                return work.run(new TableRows(c, dialect, schema, shape));
              }
            }
          };
      CollectionVerifier.Outcome o =
          new CollectionVerifier(documents, source, shape, options, repairer).compare();
      LOG.debug(
          "[{}] verified {} in {} ms",
          config.pipeline(),
          mapping.collection(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      return new CollectionResult(
          mapping.collection(),
          table,
          o.documents(),
          o.rows(),
          o.unmappable(),
          o.missing(),
          o.extra(),
          o.different(),
          o.examples(),
          sink == null ? null : new CollectionResult.Repair(o.upserted(), o.deleted(), position),
          null);
    } catch (SQLException e) {
      throw sinkFailed(e, "read table " + table);
    }
  }

  /**
   * The sink that repairs write through, holding the pipeline's writer lock: a daemon that runs (or
   * starts) meanwhile is refused, and one that was paused is fenced off.
   *
   * @throws TidemarkException {@link ErrorCode#LOCK_HELD} when a daemon writes the pipeline
   */
  private JdbcChangeSink writer() {
    return JdbcChangeSink.openWriter(config.sink(), config.pipeline());
  }

  private CollectionResult problem(TableMapping mapping, String table, String problem) {
    return new CollectionResult(
        mapping.collection(), table, 0, 0, 0, 0, 0, 0, List.of(), null, problem);
  }

  private List<TableMapping> selected() {
    if (options.collection() == null) {
      return config.collections();
    }
    for (TableMapping m : config.collections()) {
      if (m.collection().equals(options.collection())) {
        return List.of(m);
      }
    }
    TreeSet<String> names = new TreeSet<>();
    config.collections().forEach(m -> names.add(m.collection()));
    throw new TidemarkException(
        ErrorCode.CONFIG_INVALID,
        "--collection "
            + options.collection()
            + ": no such collection in the configuration (configured: "
            + String.join(", ", names)
            + ").");
  }

  private String schema() {
    String s = config.sink().schema();
    return s == null || s.isBlank() ? ConfigKeys.SINK_SCHEMA.defaultValue() : s;
  }

  private DataSource dataSource() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(config.sink().jdbcUrl());
    if (config.sink().username() != null) {
      ds.setUser(config.sink().username());
    }
    if (config.sink().password() != null) {
      ds.setPassword(config.sink().password());
    }
    ds.setApplicationName("tidemark-verify");
    ds.setConnectTimeout(CONNECT_TIMEOUT_SECONDS);
    return ds;
  }

  /**
   * A connection whose float output reads back exactly (PostgreSQL before 12 rounds to 15 digits
   * unless asked for more).
   */
  private static Connection open(DataSource tables) throws SQLException {
    Connection c = tables.getConnection();
    try (Statement st = c.createStatement()) {
      st.execute("SET extra_float_digits = 3");
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }

  private void checkSinkReachable(DataSource tables) {
    try (Connection c = open(tables)) {
      c.isValid(CONNECT_TIMEOUT_SECONDS);
    } catch (SQLException e) {
      throw sinkFailed(e, "connect");
    }
  }

  private TidemarkException sinkFailed(SQLException e, String doing) {
    String state = e.getSQLState();
    boolean unavailable = state != null && state.startsWith("08");
    return new TidemarkException(
        unavailable ? ErrorCode.SINK_UNAVAILABLE : ErrorCode.SINK_FAILED,
        "verify: could not "
            + doing
            + " at "
            + ConnectionStrings.mask(config.sink().jdbcUrl())
            + " (SQLSTATE "
            + state
            + ": "
            + firstLine(e.getMessage())
            + "). Check sink.jdbcUrl, sink.username and sink.password, and that the user may"
            + " read the tables.",
        state,
        e);
  }

  private MongoClient openMongo() {
    ConnectionString uri;
    try {
      uri = new ConnectionString(config.source().uri());
    } catch (IllegalArgumentException e) {
      throw new TidemarkException(
          ErrorCode.CONFIG_INVALID,
          "source.uri: '"
              + ConnectionStrings.mask(config.source().uri())
              + "' is not a MongoDB connection string ("
              + e.getMessage()
              + ")");
    }
    MongoClient client =
        MongoClients.create(
            MongoClientSettings.builder()
                .applyConnectionString(uri)
                .applicationName("tidemark-verify")
                .applyToClusterSettings(
                    b -> b.serverSelectionTimeout(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS))
                .build());
    try {
      client.getDatabase(config.source().database()).runCommand(new Document("ping", 1));
    } catch (MongoException e) {
      client.close();
      throw sourceFailed(e);
    }
    return client;
  }

  private TidemarkException sourceFailed(MongoException e) {
    boolean unavailable =
        e instanceof com.mongodb.MongoTimeoutException
            || e instanceof com.mongodb.MongoSocketException;
    return new TidemarkException(
        unavailable ? ErrorCode.SOURCE_UNAVAILABLE : ErrorCode.SOURCE_FAILED,
        "verify: "
            + (unavailable ? "cannot reach" : "cannot read from")
            + " MongoDB at "
            + ConnectionStrings.mask(config.source().uri())
            + " ("
            + firstLine(e.getMessage())
            + "). Check source.uri, that the server runs, and that the user may read database '"
            + config.source().database()
            + "'.",
        Integer.toString(e.getCode()),
        e);
  }

  private static String firstLine(String m) {
    if (m == null) {
      return "no message";
    }
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
