package io.tidemark.sink.jdbc.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.sink.jdbc.TestDatabase;
import io.tidemark.sink.jdbc.dialect.postgres.PostgresDialect;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetadataSchemaTest {

  private static final TestDatabase db = TestDatabase.shared();

  @Test
  void migrateCreatesTheTablesInTheSchemaAndIsIdempotent() {
    String schema = TestDatabase.freshName("meta");

    MetadataSchema.MigrationResult first =
        MetadataSchema.migrate(db.dataSource(), new PostgresDialect(), schema);
    MetadataSchema.MigrationResult second =
        MetadataSchema.migrate(db.dataSource(), new PostgresDialect(), schema);

    assertThat(first.migrationsApplied()).isEqualTo(6);
    assertThat(first.version()).isEqualTo("6");
    assertThat(second.migrationsApplied()).isZero();
    assertThat(second.version()).isEqualTo("6");
    assertThat(tables(schema))
        .containsExactly(
            "checkpoint",
            "dead_letter",
            "evolved_column",
            "flyway_schema_history",
            "partition_offset",
            "snapshot",
            "snapshot_range",
            "writer_lock");
    assertThat(
            db.queryValue(
                "SELECT count(*) FROM " + schema + ".flyway_schema_history WHERE version = '1'"))
        .isEqualTo("1");
  }

  @Test
  void upgradingFoldsADocumentsDeadLettersIntoItsNewest() {
    String schema = TestDatabase.freshName("meta");
    org.flywaydb.core.Flyway.configure(MetadataSchema.class.getClassLoader())
        .dataSource(db.dataSource())
        .schemas(schema)
        .defaultSchema(schema)
        .createSchemas(true)
        .table(MetadataSchema.HISTORY_TABLE)
        .locations(MetadataSchema.LOCATION)
        .placeholders(java.util.Map.of(MetadataSchema.SCHEMA_PLACEHOLDER, schema))
        .target("3")
        .load()
        .migrate();
    db.execute(
        "INSERT INTO "
            + schema
            + ".dead_letter (pipeline, collection, document_key, document, reason) VALUES"
            + " ('p', 'orders', 'a', 'first', 'old'), ('p', 'orders', 'a', 'second', 'new'),"
            + " ('p', 'orders', 'b', 'only', 'b'), ('other', 'orders', 'a', 'theirs', 'x')");

    MetadataSchema.migrate(db.dataSource(), new PostgresDialect(), schema);

    assertThat(
            db.query(
                "SELECT pipeline, document_key, document FROM "
                    + schema
                    + ".dead_letter ORDER BY pipeline, document_key"))
        .containsExactly(
            List.of("other", "a", "theirs"),
            List.of("p", "a", "second"),
            List.of("p", "b", "only"));
  }

  @Test
  void theSchemaNameIsQuoted() {
    String schema = "Tide \"Mark\" " + TestDatabase.freshName("m");

    MetadataSchema.migrate(db.dataSource(), new PostgresDialect(), schema);

    assertThat(tables(schema)).contains("checkpoint", "snapshot", "dead_letter");
  }

  @Test
  void theTablesHaveTheDocumentedKeysAndColumns() {
    String schema = TestDatabase.freshName("meta");
    MetadataSchema.migrate(db.dataSource(), new PostgresDialect(), schema);

    assertThat(primaryKey(schema, "checkpoint")).isEqualTo("pipeline,collection");
    assertThat(primaryKey(schema, "snapshot")).isEqualTo("pipeline,collection");
    assertThat(primaryKey(schema, "dead_letter")).isEqualTo("id");
    assertThat(
            db.queryValue(
                "SELECT data_type FROM information_schema.columns WHERE table_schema = '"
                    + schema
                    + "' AND table_name = 'dead_letter' AND column_name = 'document'"))
        .as("raw Extended JSON may not be valid jsonb")
        .isEqualTo("text");
    assertThat(
            db.queryValue(
                "SELECT data_type FROM information_schema.columns WHERE table_schema = '"
                    + schema
                    + "' AND table_name = 'checkpoint' AND column_name = 'cluster_time'"))
        .isEqualTo("bigint");
  }

  private static List<String> tables(String schema) {
    return db
        .query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = '"
                + schema.replace("'", "''")
                + "' ORDER BY table_name")
        .stream()
        .map(row -> row.get(0))
        .toList();
  }

  private static String primaryKey(String schema, String table) {
    return db.queryValue(
        "SELECT string_agg(a.attname, ',' ORDER BY array_position(i.indkey, a.attnum))"
            + " FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
            + " AND a.attnum = ANY (i.indkey)"
            + " WHERE i.indisprimary AND i.indrelid = '"
            + schema
            + "."
            + table
            + "'::regclass");
  }
}
