package io.tidemark.sink.jdbc.schema;

import io.tidemark.sink.jdbc.dialect.SqlDialect;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Tidemark's own tables (checkpoints, snapshot progress, dead letters), kept up to date by Flyway
 * from {@code db/migration/tidemark}. The schema and Flyway's history table live in the configured
 * metadata schema, so several pipelines or deployments may share a database with different schemas.
 */
public final class MetadataSchema {

  /** Where the migrations are, on the class path. */
  public static final String LOCATION = "classpath:db/migration/tidemark";

  /** Flyway's history table, inside the metadata schema. */
  public static final String HISTORY_TABLE = "flyway_schema_history";

  /** Placeholder in the migrations that stands for the quoted schema name. */
  public static final String SCHEMA_PLACEHOLDER = "metadata_schema";

  private MetadataSchema() {}

  /**
   * What a migration did.
   *
   * @param schema the metadata schema
   * @param version the schema version after migrating
   * @param migrationsApplied migrations run by this call; 0 when the schema was already current
   */
  public record MigrationResult(String schema, String version, int migrationsApplied) {}

  /**
   * Creates the schema if needed and applies any pending migration. Safe to run from several
   * processes at once: Flyway serialises them with a database lock.
   *
   * @throws FlywayException when a migration fails or the history does not match these migrations
   */
  public static MigrationResult migrate(DataSource dataSource, SqlDialect dialect, String schema) {
    Flyway flyway =
        Flyway.configure(MetadataSchema.class.getClassLoader())
            .dataSource(dataSource)
            .schemas(schema)
            .defaultSchema(schema)
            .createSchemas(true)
            .table(HISTORY_TABLE)
            .locations(LOCATION)
            .failOnMissingLocations(true)
            .placeholders(Map.of(SCHEMA_PLACEHOLDER, dialect.quoteIdentifier(schema)))
            .load();
    MigrateResult result = flyway.migrate();
    String version = result.targetSchemaVersion;
    if (version == null) {
      version = result.initialSchemaVersion;
    }
    return new MigrationResult(schema, version, result.migrationsExecuted);
  }
}
