package io.tidemark.app.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.tidemark.app.admin.AdminBackend.CollectionControl;
import io.tidemark.core.pipeline.CollectionStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API's one HTTP handler: checks the bearer token, finds the endpoint for the path and
 * method, and writes its answer. Unknown paths get 404, known paths with another method 405 (with
 * {@code Allow}), unknown collections 404, and a failing endpoint 500 — all as JSON errors.
 *
 * <p>Stateless apart from the route table; called concurrently on the server's request threads.
 */
final class AdminRouter implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(AdminRouter.class);
  private static final String COLLECTIONS = "collections";

  private final AdminBackend backend;
  private final BearerAuth auth;

  /** Path → method → endpoint, for the fixed paths. */
  private final Map<String, Map<String, Endpoint>> fixed = new LinkedHashMap<>();

  /** Action (the last path segment under /collections/{name}/) → method → endpoint. */
  private final Map<String, Map<String, CollectionEndpoint>> perCollection = new LinkedHashMap<>();

  AdminRouter(AdminBackend backend, BearerAuth auth) {
    this.backend = backend;
    this.auth = auth;
    fixed.put("/health", Map.of("GET", new HealthEndpoint(backend)));
    fixed.put("/ready", Map.of("GET", new ReadyEndpoint(backend)));
    fixed.put("/metrics", Map.of("GET", new MetricsEndpoint(backend)));
    fixed.put("/status", Map.of("GET", new StatusEndpoint(backend)));
    perCollection.put("resnapshot", Map.of("POST", new ResnapshotEndpoint()));
    perCollection.put("pause", Map.of("POST", new PauseEndpoint()));
    perCollection.put("resume", Map.of("POST", new ResumeEndpoint()));
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      AdminResponse response;
      try {
        response = route(exchange);
      } catch (RuntimeException e) {
        LOG.warn(
            "admin API: {} {} failed: {}",
            exchange.getRequestMethod(),
            exchange.getRequestURI().getRawPath(),
            e.toString());
        response =
            AdminResponse.error(500, "The request failed inside Tidemark: " + e.getMessage());
      }
      write(exchange, response);
    }
  }

  private AdminResponse route(HttpExchange exchange) {
    if (!auth.allows(exchange.getRequestHeaders().getFirst("Authorization"))) {
      return AdminResponse.error(
              401,
              "Missing or wrong bearer token: send the header 'Authorization: Bearer <admin.token>'.")
          .withHeader("WWW-Authenticate", "Bearer realm=\"tidemark\"");
    }
    String method = exchange.getRequestMethod();
    // HEAD is GET without the body: load balancers probe with it.
    String lookup = method.equals("HEAD") ? "GET" : method;
    String path = exchange.getRequestURI().getRawPath();
    Map<String, Endpoint> byMethod = fixed.get(path);
    if (byMethod != null) {
      Endpoint endpoint = byMethod.get(lookup);
      return endpoint == null ? notAllowed(method, path, byMethod.keySet()) : endpoint.handle();
    }
    List<String> segments = segments(path);
    if (segments.size() == 3 && segments.get(0).equals(COLLECTIONS)) {
      Map<String, CollectionEndpoint> actions = perCollection.get(segments.get(2));
      if (actions != null) {
        CollectionEndpoint endpoint = actions.get(lookup);
        if (endpoint == null) {
          return notAllowed(method, path, actions.keySet());
        }
        String name = decode(segments.get(1));
        Optional<CollectionControl> collection = backend.collection(name);
        if (collection.isEmpty()) {
          return unknownCollection(name);
        }
        return endpoint.handle(name, collection.get());
      }
    }
    return AdminResponse.error(
        404,
        "No such endpoint: "
            + path
            + ". The admin API has GET /health, GET /metrics, GET /status and POST"
            + " /collections/{name}/resnapshot|pause|resume.");
  }

  private AdminResponse unknownCollection(String name) {
    TreeSet<String> configured = new TreeSet<>();
    for (CollectionStatus s : backend.status()) {
      configured.add(s.collection());
    }
    return AdminResponse.error(
        404,
        "No collection '"
            + name
            + "' in pipeline '"
            + backend.pipeline()
            + "' (configured: "
            + String.join(", ", configured)
            + ").");
  }

  private static AdminResponse notAllowed(String method, String path, Iterable<String> allowed) {
    String allow = String.join(", ", allowed);
    return AdminResponse.error(405, method + " is not allowed on " + path + "; use " + allow + ".")
        .withHeader("Allow", allow);
  }

  /** The path's segments, without the empty one before the leading slash. */
  private static List<String> segments(String rawPath) {
    List<String> out = new ArrayList<>();
    for (String s : rawPath.split("/", -1)) {
      out.add(s);
    }
    if (!out.isEmpty() && out.get(0).isEmpty()) {
      out.remove(0);
    }
    return out;
  }

  /** Percent-decoding of one path segment; a '+' in a path is a plus, not a space. */
  private static String decode(String segment) {
    try {
      return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return segment;
    }
  }

  private static void write(HttpExchange exchange, AdminResponse response) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", response.contentType());
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(response.status(), -1);
      return;
    }
    exchange.sendResponseHeaders(response.status(), response.body().length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(response.body());
    }
  }
}
