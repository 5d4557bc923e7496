package io.tidemark.it.campaign;

import io.tidemark.harness.postgres.EmbeddedSettings;
import io.tidemark.harness.postgres.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL of the campaign's own, which it stops the way an operator or a crash stops one
 * ({@code pg_ctl stop -m fast} or {@code -m immediate}) and starts again on the same data directory
 * and port. Separate from the shared {@code PostgresServer}, which other tests use meanwhile.
 *
 * <p>The binaries and the data directory come from the harness's embedded server ({@link
 * PostgresServer#embedded}, kept in the campaign's directory), which is then stopped: it starts the
 * server with {@code synchronous_commit=off}, under which an immediate shutdown loses commits that
 * were already acknowledged, and the campaign must not blame Tidemark for that. This class starts
 * the server with {@code pg_ctl} and PostgreSQL's default {@code synchronous_commit=on}; {@code
 * fsync} is off, which loses nothing when only the server process dies (the operating system keeps
 * what was written). Listens on loopback only. Like zonky, it runs the binaries under {@code
 * unshare -U} when the JVM runs as root, since PostgreSQL refuses to run as root.
 *
 * <p>Start and stop are serialised; the server is stopped by {@link #close()} or, at the latest,
 * when the JVM exits.
 */
final class RestartablePostgres implements AutoCloseable {
  private static final long PG_CTL_TIMEOUT_SECONDS = 90;

  private final Path dataDirectory;
  private final Path binDirectory;
  private final Path logFile;
  private final int port;
  private final boolean asRoot;
  private boolean running; // guarded by this

  private RestartablePostgres(Path dataDirectory, Path binDirectory, Path logFile, int port) {
    this.dataDirectory = dataDirectory;
    this.binDirectory = binDirectory;
    this.logFile = logFile;
    this.port = port;
    this.asRoot = "root".equals(System.getProperty("user.name"));
  }

  /** Creates a cluster under {@code directory} (emptied first) and starts it. */
  static RestartablePostgres create(Path directory) {
    try {
      deleteRecursively(directory);
      Files.createDirectories(directory);
      Path data = directory.resolve("data");
      PostgresServer initial = PostgresServer.embedded(EmbeddedSettings.keptIn(data));
      int port = initial.port();
      initial.close();
      RestartablePostgres pg =
          new RestartablePostgres(
              data, binDirectory(data), directory.resolve("postgres.log"), port);
      pg.start();
      Runtime.getRuntime().addShutdownHook(new Thread(pg::close, "campaign-postgres-stop"));
      return pg;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not create the campaign's PostgreSQL: " + e, e);
    }
  }

  /** The directory of the binaries zonky extracted, read from the server's own record of it. */
  private static Path binDirectory(Path data) throws IOException {
    String opts = Files.readString(data.resolve("postmaster.opts"), StandardCharsets.UTF_8).strip();
    String postgres =
        opts.startsWith("\"") ? opts.substring(1, opts.indexOf('"', 1)) : opts.split(" ")[0];
    return Path.of(postgres).getParent();
  }

  int port() {
    return port;
  }

  String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(database), "postgres", "postgres");
  }

  void createDatabase(String name) {
    execute("CREATE DATABASE \"" + name + "\"");
  }

  void dropDatabase(String name) {
    execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
  }

  private void execute(String sql) {
    try (Connection c = connect("postgres");
        Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(
          sql + " failed (SQLSTATE " + e.getSQLState() + "): " + e.getMessage(), e);
    }
  }

  synchronized boolean isRunning() {
    return running;
  }

  /** Starts the server and waits until it accepts connections. */
  synchronized void start() {
    if (running) {
      return;
    }
    pgCtl(
        "-D",
        dataDirectory.toString(),
        "-w",
        "-t",
        Long.toString(PG_CTL_TIMEOUT_SECONDS),
        "-l",
        logFile.toString(),
        "-o",
        "-p " + port + " -F -c listen_addresses=127.0.0.1 -c max_connections=300 -c timezone=UTC",
        "start");
    running = true;
  }

  /** How a server is stopped: {@code pg_ctl stop -m fast} or {@code -m immediate}. */
  enum StopMode {
    /** Rolls back open transactions, disconnects clients, checkpoints, exits. */
    FAST,
    /** Exits at once without a checkpoint, as a crash does; the next start replays the WAL. */
    IMMEDIATE
  }

  /** Stops the server and waits until it has exited. */
  synchronized void stop(StopMode mode) {
    if (!running) {
      return;
    }
    pgCtl(
        "-D",
        dataDirectory.toString(),
        "-m",
        mode.name().toLowerCase(Locale.ROOT),
        "-w",
        "-t",
        Long.toString(PG_CTL_TIMEOUT_SECONDS),
        "stop");
    running = false;
  }

  private void pgCtl(String... args) {
    List<String> command = new ArrayList<>();
    if (asRoot) {
      command.add("unshare");
      command.add("-U");
    }
    command.add(binDirectory.resolve("pg_ctl").toString());
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      // pg_ctl start leaves the server running with its own output in the log file, so the pipe
      // closes when pg_ctl exits.
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(PG_CTL_TIMEOUT_SECONDS + 10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not finish: " + output);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", command)
                + " exited "
                + p.exitValue()
                + ": "
                + output.strip()
                + " (server log: "
                + logFile
                + ")");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(String.join(" ", command) + " could not run: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running pg_ctl", e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      stop(StopMode.FAST);
    } catch (RuntimeException e) {
      // The JVM is ending or the server is gone already; nothing else to release.
    }
  }

  private static void deleteRecursively(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Override
  public String toString() {
    return "campaign PostgreSQL at 127.0.0.1:" + port + " (data " + dataDirectory + ")";
  }
}
