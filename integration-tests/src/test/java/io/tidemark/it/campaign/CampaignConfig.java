package io.tidemark.it.campaign;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The daemon's YAML for one run: MongoDB and PostgreSQL reached through the run's proxies, small
 * copy chunks (so even a short copy has several ranges and many marks), a quick idle checkpoint,
 * short retry delays, the admin API on with a token, and each collection's {@code onHistoryLost} as
 * the seed chose it. The secrets are random per run, so the log check can look for them.
 *
 * @param mongoUri the source URI (through the MongoDB proxy)
 * @param jdbcUrl the sink URL (through the PostgreSQL proxy), without a password
 * @param password the sink password
 * @param token the admin API token
 * @param passwordInUrl whether the password is also in the JDBC URL, as some operators write it
 * @param collectionsYaml the {@code collections:} entries
 */
record CampaignConfig(
    String mongoUri,
    String jdbcUrl,
    String password,
    String token,
    boolean passwordInUrl,
    String collectionsYaml) {

  static final String PIPELINE = "campaign";
  static final String DATABASE = "campaign";

  /** The entries of every collection, each with its {@code onHistoryLost} mode. */
  static String collections(
      List<ModelCollection> modelled, String lateMode, Map<String, String> modes) {
    StringBuilder yaml = new StringBuilder("collections:\n");
    for (ModelCollection c : modelled) {
      yaml.append(c.yaml(modes.get(c.name))).append('\n');
    }
    yaml.append("  - name: ")
        .append(CampaignWorkload.LATE)
        .append("\n    onHistoryLost: ")
        .append(lateMode)
        .append('\n');
    return yaml.toString();
  }

  /** The YAML with the admin API on {@code adminPort} ({@code -1}: off). */
  String yaml(int adminPort) {
    String url = passwordInUrl ? jdbcUrl + "?password=" + password : jdbcUrl;
    return String.join(
        "\n",
        "pipeline: " + PIPELINE,
        "source: { uri: \"" + mongoUri + "\", database: " + DATABASE + " }",
        "sink: { jdbcUrl: \""
            + url
            + "\", username: postgres, password: \""
            + password
            + "\", schema: public, poolSize: 6 }",
        "retry: { initialDelay: 200ms, maxDelay: 2s }",
        "snapshot: { chunkSize: 500, parallelism: 3 }",
        "stream: { batchSize: 500, idleCheckpointInterval: 1s }",
        adminPort < 0
            ? "admin: { port: -1 }"
            : "admin: { port: " + adminPort + ", token: \"" + token + "\" }",
        collectionsYaml,
        "");
  }

  /** Writes the YAML to {@code file}; returns the file. */
  Path write(Path file, int adminPort) {
    try {
      Files.writeString(file, yaml(adminPort));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file + ": " + e, e);
    }
  }

  /** The same pipeline read directly, not through the proxies: for {@code tidemark verify}. */
  CampaignConfig direct(String directMongoUri, String directJdbcUrl) {
    return new CampaignConfig(
        directMongoUri, directJdbcUrl, password, token, passwordInUrl, collectionsYaml);
  }

  /** A free loopback port for an admin API. */
  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("No free port on 127.0.0.1: " + e, e);
    }
  }

  /** The secrets that must never appear in a log or an output, by what they are. */
  Map<String, String> secrets() {
    return Map.of("sink password", password, "admin token", token);
  }
}
