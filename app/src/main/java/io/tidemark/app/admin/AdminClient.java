package io.tidemark.app.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidemark.core.config.ConfigKeys;
import io.tidemark.core.config.TidemarkConfig.AdminConfig;
import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Talks to a running daemon's admin API, for the {@code status} and {@code resnapshot} commands and
 * for {@code verify --repair}'s "is a daemon running?" check. Not thread-safe; one per command.
 */
public final class AdminClient {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final String token;
  private final HttpClient http;

  private AdminClient(URI base, String token) {
    this.base = base;
    this.token = token;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .build();
  }

  /**
   * A client for the daemon that runs with this configuration.
   *
   * @param source where the configuration came from, for messages (e.g. the file name)
   * @throws TidemarkException {@link ErrorCode#CONFIG_INVALID} when the configuration gives no
   *     fixed address to call: the API is off (-1) or on a port chosen at start (0)
   */
  public static AdminClient forConfig(AdminConfig admin, String source) {
    if (!admin.enabled()) {
      throw new TidemarkException(
          ErrorCode.CONFIG_INVALID,
          "The admin API is off (admin.port: -1 in "
              + source
              + "), so this command cannot reach the daemon. Set admin.port (default 8089) and"
              + " restart the daemon.");
    }
    if (admin.port() == 0) {
      throw new TidemarkException(
          ErrorCode.CONFIG_INVALID,
          "admin.port is 0 in "
              + source
              + ": the daemon picks a free port at start, so this command cannot know it. Set a"
              + " fixed admin.port (default 8089) and restart the daemon.");
    }
    return new AdminClient(baseUri(admin), admin.token());
  }

  /** For a daemon at a known address, e.g. in tests. */
  public static AdminClient at(URI base, String token) {
    return new AdminClient(base, token);
  }

  /** The address a local client calls: a wildcard bind address is reached on loopback. */
  static URI baseUri(AdminConfig admin) {
    String host =
        admin.bind() == null || admin.bind().isBlank()
            ? ConfigKeys.ADMIN_BIND.defaultValue()
            : admin.bind();
    if (host.equals("0.0.0.0")) {
      host = "127.0.0.1";
    } else if (host.equals("::") || host.equals("[::]")) {
      host = "[::1]";
    } else if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + admin.port());
  }

  public URI baseUri() {
    return base;
  }

  /**
   * @throws IOException when nothing answers at the address (the daemon is not running)
   */
  public Response get(String path) throws IOException, InterruptedException {
    return send(request(path).GET());
  }

  /**
   * @throws IOException when nothing answers at the address (the daemon is not running)
   */
  public Response post(String path) throws IOException, InterruptedException {
    return send(request(path).POST(HttpRequest.BodyPublishers.noBody()));
  }

  /** True when anything answers HTTP at the address, whatever the answer (even 401). */
  public boolean answers() throws InterruptedException {
    try {
      get("/health");
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The message when nothing answers: the daemon is not running (or not at this address). */
  public String notRunningMessage(String configFile) {
    return "no Tidemark daemon answers at "
        + base
        + " (admin.port in "
        + configFile
        + "); start it with 'tidemark run --config "
        + configFile
        + "'.";
  }

  /** The message for an answer other than the one expected. */
  public String refusedMessage(String configFile, Response response) {
    if (response.status() == 401) {
      return "the daemon at "
          + base
          + " refused the token: admin.token in "
          + configFile
          + " must be the token the daemon was started with.";
    }
    return "the daemon at " + base + " answered: " + response.error();
  }

  /** The path of a per-collection endpoint, the name encoded. */
  public static String collectionPath(String collection, String action) {
    return "/collections/"
        + URLEncoder.encode(collection, StandardCharsets.UTF_8).replace("+", "%20")
        + "/"
        + action;
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(REQUEST_TIMEOUT)
            .header("Accept", "application/json");
    if (token != null && !token.isEmpty()) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  private Response send(HttpRequest.Builder request) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new Response(r.statusCode(), r.body());
  }

  /** An answer of the admin API. */
  public record Response(int status, String body) {
    /** The body as JSON; an empty object when it is not JSON. */
    public JsonNode json() {
      try {
        JsonNode node = JSON.readTree(body);
        return node == null ? JSON.createObjectNode() : node;
      } catch (IOException e) {
        return JSON.createObjectNode();
      }
    }

    /** The API's error message, or the raw body when it sent none. */
    public String error() {
      JsonNode e = json().get("error");
      return e == null ? "HTTP " + status + ": " + body : e.asText();
    }
  }
}
