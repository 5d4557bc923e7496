package io.tidemark.core.config;

import java.time.Duration;

/**
 * Where rows go.
 *
 * @param jdbcUrl JDBC URL of the target database
 * @param username database user
 * @param password database password (never logged)
 * @param schema schema of the target tables
 * @param metadataSchema schema of Tidemark's own tables (checkpoints, snapshot progress, dead
 *     letters)
 * @param poolSize maximum connections Tidemark opens
 * @param socketTimeout longest a connection may wait on the database without a byte moving before
 *     it counts as lost ({@link ConfigKeys#SINK_SOCKET_TIMEOUT}); the JDBC URL's own {@code
 *     socketTimeout} wins over it
 */
public record SinkConfig(
    String jdbcUrl,
    String username,
    String password,
    String schema,
    String metadataSchema,
    int poolSize,
    Duration socketTimeout) {

  /** The default of {@link ConfigKeys#SINK_SOCKET_TIMEOUT}, read from the key's declaration. */
  public static final Duration DEFAULT_SOCKET_TIMEOUT =
      ConfigKeys.SINK_SOCKET_TIMEOUT.defaultValue();

  public SinkConfig {
    if (socketTimeout == null || socketTimeout.isNegative() || socketTimeout.isZero()) {
      throw new IllegalArgumentException("socketTimeout must be positive, was " + socketTimeout);
    }
  }

  /** With the default socket timeout. */
  public SinkConfig(
      String jdbcUrl,
      String username,
      String password,
      String schema,
      String metadataSchema,
      int poolSize) {
    this(jdbcUrl, username, password, schema, metadataSchema, poolSize, DEFAULT_SOCKET_TIMEOUT);
  }

  /** With another socket timeout; for tests and tools. */
  public SinkConfig withSocketTimeout(Duration timeout) {
    return new SinkConfig(jdbcUrl, username, password, schema, metadataSchema, poolSize, timeout);
  }

  /** Without secrets: the URL masked, the password hidden. */
  @Override
  public String toString() {
    return "SinkConfig[jdbcUrl="
        + ConnectionStrings.mask(jdbcUrl)
        + ", username="
        + username
        + ", password="
        + ConnectionStrings.secret(password)
        + ", schema="
        + schema
        + ", metadataSchema="
        + metadataSchema
        + ", poolSize="
        + poolSize
        + ", socketTimeout="
        + socketTimeout
        + "]";
  }
}
