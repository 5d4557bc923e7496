package io.tidemark.core.config;

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
 */
public record SinkConfig(
    String jdbcUrl,
    String username,
    String password,
    String schema,
    String metadataSchema,
    int poolSize) {

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
        + "]";
  }
}
