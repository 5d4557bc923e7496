package io.tidemark.app;

import com.mongodb.event.CommandListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tidemark.app.admin.AdminServer;
import io.tidemark.core.config.TidemarkConfig;
import io.tidemark.core.logging.LogContext;
import io.tidemark.core.pipeline.CollectionState;
import io.tidemark.core.pipeline.CollectionStatus;
import io.tidemark.core.pipeline.Engine;
import io.tidemark.core.pipeline.PhaseListener;
import io.tidemark.sink.jdbc.write.JdbcChangeSink;
import io.tidemark.source.mongo.MongoChangeSource;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running pipeline: source, sink and engine wired together. {@link #close()} stops it cleanly
 * (the batch in flight commits or rolls back, nothing half-done is committed) and is safe to call
 * from a shutdown hook.
 */
public final class Daemon implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private final TidemarkConfig config;
  private final MongoChangeSource source;
  private final JdbcChangeSink sink;
  private final Engine engine;
  private final MeterRegistry registry;
  private final AtomicBoolean closed = new AtomicBoolean();
  private AdminServer admin;
  private final CountDownLatch closedSignal = new CountDownLatch(1);

  private Daemon(
      TidemarkConfig config,
      MongoChangeSource source,
      JdbcChangeSink sink,
      MeterRegistry registry,
      PhaseListener listener) {
    this.config = config;
    this.source = source;
    this.sink = sink;
    this.registry = registry;
    this.engine = new Engine(config, source, sink, registry, listener);
  }

  /**
   * Connects to both ends and starts every collection (one that does not exist yet waits for it).
   */
  public static Daemon start(TidemarkConfig config) {
    return start(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  public static Daemon start(TidemarkConfig config, MeterRegistry registry) {
    return start(config, registry, PhaseListener.NONE);
  }

  /**
   * Starts with a listener told of every phase boundary (tests use it to inject faults) and,
   * optionally, driver command listeners on the MongoDB client (tests record the commands Tidemark
   * sends; see {@link MongoChangeSource#open}).
   */
  public static Daemon start(
      TidemarkConfig config,
      MeterRegistry registry,
      PhaseListener listener,
      CommandListener... mongoCommandListeners) {
    try (LogContext.Scope scope = LogContext.open(config.pipeline(), null)) {
      return startInContext(config, registry, listener, mongoCommandListeners);
    }
  }

  private static Daemon startInContext(
      TidemarkConfig config,
      MeterRegistry registry,
      PhaseListener listener,
      CommandListener... mongoCommandListeners) {
    LOG.info("starting pipeline '{}' with {}", config.pipeline(), config);
    StandbyAdminBackend standbyBackend = null;
    AdminServer standbyAdmin = null;
    JdbcChangeSink sink;
    if (config.standby()) {
      standbyBackend = new StandbyAdminBackend(config.pipeline(), registry);
      standbyAdmin = AdminServer.start(config.admin(), standbyBackend);
      try {
        sink = Standby.awaitWriterLock(config, registry);
      } catch (RuntimeException | Error e) {
        standbyAdmin.close();
        throw e;
      }
    } else {
      sink = JdbcChangeSink.openWriter(config.sink(), config.pipeline());
    }
    MongoChangeSource source;
    try {
      sink.bindMetrics(registry);
      // A configured collection that does not exist yet is no reason to refuse: MongoDB creates
      // it on its first insert, and its pipeline waits for it (state WAITING).
      source = MongoChangeSource.open(config.source(), mongoCommandListeners);
    } catch (RuntimeException e) {
      sink.close();
      if (standbyAdmin != null) {
        standbyAdmin.close();
      }
      throw e;
    }
    Daemon daemon = new Daemon(config, source, sink, registry, listener);
    daemon.engine.start();
    if (standbyBackend != null) {
      daemon.admin = standbyAdmin;
      standbyBackend.becomeWriter(new DaemonAdminBackend(daemon));
      return daemon;
    }
    try {
      daemon.admin = AdminServer.start(config.admin(), new DaemonAdminBackend(daemon));
    } catch (RuntimeException e) {
      daemon.close();
      throw e;
    }
    return daemon;
  }

  public TidemarkConfig config() {
    return config;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The metrics in Prometheus' text format, or an empty string with a non-Prometheus registry. */
  public String scrapeMetrics() {
    return registry instanceof PrometheusMeterRegistry prometheus ? prometheus.scrape() : "";
  }

  public List<CollectionStatus> status() {
    return engine.status();
  }

  /**
   * Waits until every collection is in {@code state}, looking every 100 ms and running {@code
   * whileWaiting} at each look (to report progress, or to give up by throwing).
   *
   * @return false when {@code timeout} passed first
   */
  public boolean awaitAll(CollectionState state, Duration timeout, Runnable whileWaiting)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!status().stream().allMatch(s -> s.state() == state)) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      whileWaiting.run();
      Thread.sleep(100);
    }
    return true;
  }

  public Engine engine() {
    return engine;
  }

  /** The port the admin API listens on, or -1 when it is off. */
  public int adminPort() {
    return admin == null ? -1 : admin.port();
  }

  /**
   * Blocks until the daemon is closed or every collection has stopped by itself.
   *
   * @return true when it ended by {@link #close()} with no collection failed
   */
  public boolean awaitTermination() throws InterruptedException {
    Thread waiter =
        new Thread(
            () -> {
              try {
                engine.awaitTermination();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              closedSignal.countDown();
            },
            "tidemark-await");
    waiter.setDaemon(true);
    waiter.start();
    closedSignal.await();
    boolean anyFailed = engine.status().stream().anyMatch(s -> s.state() == CollectionState.FAILED);
    if (!closed.get()) {
      LOG.error("every collection has stopped; see the errors above. Exiting.");
    }
    return closed.get() && !anyFailed;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try (LogContext.Scope scope = LogContext.open(config.pipeline(), null)) {
      stop();
    }
  }

  private void stop() {
    LOG.info("stopping: committing complete batches, then closing connections");
    if (admin != null) {
      admin.close();
    }
    try {
      engine.stop(STOP_TIMEOUT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      source.close();
      sink.close();
      closedSignal.countDown();
    }
  }
}
