package io.tidemark.it.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.app.admin.AdminClient;
import io.tidemark.it.campaign.Findings.Category;
import io.tidemark.it.campaign.History.Kind;
import io.tidemark.it.support.EngineProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The run's daemon: the real {@code tidemark.jar run} in a JVM of its own ({@link EngineProcess}),
 * started with a fresh YAML file and admin port each time, killed, stopped and started again by the
 * faults. A second daemon on the same pipeline can be started beside it.
 *
 * <p>Faults that end or start a daemon hold {@link #lifecycle()} while they do, so two of them
 * never interleave; reading the admin API needs no lock. Thread-safe.
 */
final class DaemonControl implements AutoCloseable {
  /** How long a (re)start may take to answer on its admin port, retries included. */
  private static final long START_SECONDS = 90;

  private final Path dir;
  private final CampaignConfig config;
  private final History history;
  private final Findings findings;
  private final ReentrantLock lifecycle = new ReentrantLock();
  private final List<Path> logs = new ArrayList<>(); // guarded by this
  private volatile EngineProcess process;
  private volatile AdminClient admin;
  private volatile boolean expectedDown = true;
  private volatile long upSinceNanos = System.nanoTime();
  private int starts; // guarded by this

  DaemonControl(Path dir, CampaignConfig config, History history, Findings findings) {
    this.dir = dir;
    this.config = config;
    this.history = history;
    this.findings = findings;
  }

  ReentrantLock lifecycle() {
    return lifecycle;
  }

  /**
   * Starts the daemon and waits until its admin API answers. A start refused because the previous
   * process's writer lock has not been released yet (exit 4), or because a database is unreachable
   * during a fault (exit 3), is tried again.
   */
  void start(String why) throws InterruptedException {
    lifecycle.lock();
    try {
      long deadline = System.nanoTime() + START_SECONDS * 1_000_000_000L;
      while (System.nanoTime() < deadline) {
        int n;
        synchronized (this) {
          n = ++starts;
        }
        int port = CampaignConfig.freePort();
        Path yaml = config.write(dir.resolve("tidemark-" + n + ".yaml"), port);
        Path log = dir.resolve("daemon-" + n + ".log");
        synchronized (this) {
          logs.add(log);
        }
        EngineProcess started = startProcess(yaml, log);
        AdminClient client = AdminClient.at(URI.create("http://127.0.0.1:" + port), config.token());
        history.record(
            Kind.STATE, "daemon #" + n + " starting (" + why + "), pid " + started.pid());
        while (started.isAlive() && !client.answers() && System.nanoTime() < deadline) {
          Thread.sleep(100);
        }
        if (started.isAlive() && client.answers()) {
          process = started;
          admin = client;
          upSinceNanos = System.nanoTime();
          expectedDown = false;
          history.record(Kind.STATE, "daemon #" + n + " up, admin API on port " + port);
          return;
        }
        started.close();
        int code = started.exitCode();
        history.record(Kind.STATE, "daemon #" + n + " exited " + code + " at start; see " + log);
        if (code != 3 && code != 4) {
          findings.add(
              Category.DAEMON, "daemon #" + n + " exited " + code + " at start (" + log + ")");
        }
        Thread.sleep(1000);
      }
      findings.add(
          Category.CONVERGENCE, "no daemon came up within " + START_SECONDS + " s (" + why + ")");
    } finally {
      lifecycle.unlock();
    }
  }

  private static EngineProcess startProcess(Path yaml, Path log) {
    try {
      return EngineProcess.start(yaml, log);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the daemon: " + e, e);
    }
  }

  /** When the running daemon came up (System.nanoTime). */
  long upSinceNanos() {
    return upSinceNanos;
  }

  /** How many daemons were started so far (a pause does not survive a restart). */
  synchronized int generation() {
    return starts;
  }

  /** SIGKILL of the running daemon; it is down until {@link #start}. */
  void kill() throws InterruptedException {
    EngineProcess p = process;
    expectedDown = true;
    if (p != null) {
      p.kill();
    }
  }

  /**
   * SIGTERM of the running daemon; returns its exit code, or -1 when it did not stop within {@code
   * timeoutSeconds} (it is then killed).
   */
  int terminate(long timeoutSeconds) throws InterruptedException {
    EngineProcess p = process;
    expectedDown = true;
    if (p == null) {
      return 0;
    }
    try {
      return p.terminate(timeoutSeconds);
    } catch (AssertionError e) {
      return -1;
    }
  }

  /** Whether the daemon is meant to run but its process has ended (it exited by itself). */
  boolean diedUnexpectedly() {
    EngineProcess p = process;
    return !expectedDown && p != null && !p.isAlive();
  }

  /** The exit code of the daemon's process, -1 while it runs. */
  int exitCode() {
    EngineProcess p = process;
    return p == null ? -1 : p.exitCode();
  }

  boolean isRunning() {
    EngineProcess p = process;
    return !expectedDown && p != null && p.isAlive();
  }

  /** The admin API of the running daemon, if one runs. */
  Optional<AdminClient> admin() {
    return isRunning() ? Optional.ofNullable(admin) : Optional.empty();
  }

  /** {@code GET /status} of the running daemon, or empty when it does not answer. */
  Optional<JsonNode> status() {
    Optional<AdminClient> client = admin();
    if (client.isEmpty()) {
      return Optional.empty();
    }
    try {
      AdminClient.Response r = client.get().get("/status");
      return r.status() == 200 ? Optional.of(r.json()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** {@code POST /collections/NAME/ACTION}; the HTTP status, or -1 when nothing answered. */
  int post(String collection, String action) throws InterruptedException {
    Optional<AdminClient> client = admin();
    if (client.isEmpty()) {
      return -1;
    }
    try {
      AdminClient.Response r = client.get().post(AdminClient.collectionPath(collection, action));
      return r.status();
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * Starts a second daemon on the same pipeline (its own admin port) beside the running one, and
   * waits up to {@code timeoutSeconds} for it to exit.
   *
   * @return the second daemon, ended or still running
   */
  EngineProcess startSecond(long timeoutSeconds) throws InterruptedException {
    int n;
    synchronized (this) {
      n = ++starts;
    }
    Path yaml =
        config.write(dir.resolve("tidemark-" + n + "-second.yaml"), CampaignConfig.freePort());
    Path log = dir.resolve("daemon-" + n + "-second.log");
    synchronized (this) {
      logs.add(log);
    }
    EngineProcess second = startProcess(yaml, log);
    history.record(Kind.FAULT, "second daemon #" + n + " started, pid " + second.pid());
    second.awaitExit(timeoutSeconds);
    return second;
  }

  /** Every log a daemon of this run wrote (main and second ones), in start order. */
  synchronized List<Path> logs() {
    return List.copyOf(logs);
  }

  @Override
  public void close() throws InterruptedException {
    EngineProcess p = process;
    expectedDown = true;
    if (p != null) {
      p.close();
    }
  }
}
