package io.tidemark.app.admin;

import com.sun.net.httpserver.HttpServer;
import io.tidemark.core.config.ConfigKeys;
import io.tidemark.core.config.TidemarkConfig.AdminConfig;
import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP API of a running daemon: {@code GET /health}, {@code GET /metrics}, {@code GET
 * /status}, and {@code POST /collections/{name}/resnapshot|pause|resume}. Built on the JDK's {@code
 * com.sun.net.httpserver}, so it adds no dependency.
 *
 * <p>Lifecycle: {@link #start} binds and serves at once; {@link #close()} stops serving
 * (idempotent). When {@code admin.port} is -1, {@link #start} returns a disabled server whose
 * {@link #port()} is -1 and whose {@link #close()} does nothing, so the daemon needs no special
 * case.
 *
 * <p>Requests are served on two daemon threads; the API is for operators and scrapers, not for
 * traffic.
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
  private static final int THREADS = 2;

  private final HttpServer server;
  private final ExecutorService executor;
  private final int port;

  private AdminServer(HttpServer server, ExecutorService executor, int port) {
    this.server = server;
    this.executor = executor;
    this.port = port;
  }

  /**
   * Serves the admin API for any backend (tests use a fake one).
   *
   * @return a started server, or a disabled one when {@code config.port()} is -1
   * @throws TidemarkException {@link ErrorCode#CONFIG_INVALID} when the address cannot be bound
   *     (port in use, unknown address)
   */
  public static AdminServer start(AdminConfig config, AdminBackend backend) {
    if (!config.enabled()) {
      LOG.info("admin API off (admin.port: -1)");
      return new AdminServer(null, null, -1);
    }
    String bind =
        config.bind() == null || config.bind().isBlank()
            ? ConfigKeys.ADMIN_BIND.defaultValue()
            : config.bind();
    InetSocketAddress address;
    try {
      address = new InetSocketAddress(InetAddress.getByName(bind), config.port());
    } catch (UnknownHostException e) {
      throw new TidemarkException(
          ErrorCode.CONFIG_INVALID,
          "admin.bind: '" + bind + "' is not an address of this host (" + e.getMessage() + ").");
    }
    HttpServer server;
    try {
      server = HttpServer.create(address, 16);
    } catch (IOException e) {
      throw new TidemarkException(
          ErrorCode.CONFIG_INVALID,
          "The admin API cannot listen on "
              + bind
              + ":"
              + config.port()
              + " ("
              + e.getMessage()
              + "). Another process (perhaps another Tidemark) uses the port: choose another"
              + " admin.port, 0 for any free port, or -1 to turn the API off.",
          e);
    }
    BearerAuth auth = new BearerAuth(config.token());
    server.createContext("/", new AdminRouter(backend, auth));
    ExecutorService executor = Executors.newFixedThreadPool(THREADS, new AdminThreads());
    server.setExecutor(executor);
    server.start();
    int port = server.getAddress().getPort();
    if (!auth.required() && !server.getAddress().getAddress().isLoopbackAddress()) {
      LOG.warn(
          "admin API listens on {}:{} without a token: anyone who can reach it can pause,"
              + " resume and rebuild collections. Set admin.token, or admin.bind: 127.0.0.1.",
          bind,
          port);
    }
    LOG.info(
        "admin API at http://{}:{}/ (health, metrics, status; token {})",
        bind,
        port,
        auth.required() ? "required" : "not required");
    return new AdminServer(server, executor, port);
  }

  /** The bound port (the chosen one when configured as 0), or -1 when the API is off. */
  public int port() {
    return port;
  }

  public boolean enabled() {
    return server != null;
  }

  /**
   * Stops serving at once; a request in progress is cut off (its client sees the connection close).
   */
  @Override
  public void close() {
    if (server == null || executor.isShutdown()) {
      return;
    }
    server.stop(0);
    executor.shutdownNow();
  }

  private static final class AdminThreads implements java.util.concurrent.ThreadFactory {
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, "tidemark-admin-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    }
  }
}
