package io.tidemark.connect;

import io.tidemark.harness.postgres.PostgresServer;

/** The tests' Tidemark YAML for the Connect sink: the sink section, then the lines given. */
public final class SinkYaml {
  private SinkYaml() {}

  /**
   * @param jdbcUrl the database, directly or through a proxy
   * @param lines the rest of the file (sink keys indented by two, then collections), one per line
   */
  public static String of(PostgresServer postgres, String jdbcUrl, String... lines) {
    return "sink:\n"
        + "  jdbcUrl: "
        + jdbcUrl
        + "\n  username: "
        + postgres.username()
        + "\n  password: '"
        + postgres.password()
        + "'\n"
        + String.join("\n", lines);
  }
}
