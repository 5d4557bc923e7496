package io.tidemark.sink.jdbc.dialect.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.core.mapping.ColumnMapping;
import io.tidemark.core.mapping.OnError;
import io.tidemark.core.mapping.SqlType;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.value.FieldPath;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

class PostgresDialectTest {

  private final PostgresDialect dialect = new PostgresDialect();

  private final TableMapping orders =
      new TableMapping(
          "orders",
          "orders",
          "_id",
          List.of(
              new ColumnMapping(
                  FieldPath.parse("total"), "total", SqlType.parse("numeric(12,2)").orElseThrow())),
          "doc",
          OnError.FAIL);

  @Test
  void identifiersAreQuotedWithEmbeddedQuotesDoubled() {
    assertThat(dialect.quoteIdentifier("a\"b c")).isEqualTo("\"a\"\"b c\"");
    assertThat(dialect.qualify("s", "T")).isEqualTo("\"s\".\"T\"");
  }

  @Test
  void theUpsertIsOneStatementOverColumnArrays() {
    assertThat(dialect.upsert("public", orders))
        .isEqualTo(
            "INSERT INTO \"public\".\"orders\" (\"_id\", \"total\", \"doc\")"
                + " SELECT u.c0, u.c1::numeric, u.c2::jsonb"
                + " FROM unnest(?::text[], ?::text[], ?::text[]) AS u(c0, c1, c2)"
                + " ON CONFLICT (\"_id\") DO UPDATE SET \"total\" = EXCLUDED.\"total\","
                + " \"doc\" = EXCLUDED.\"doc\"");
  }

  @Test
  void theDeleteTakesAnArrayOfKeys() {
    assertThat(dialect.deleteByKeys("public", orders))
        .isEqualTo("DELETE FROM \"public\".\"orders\" WHERE \"_id\" = ANY (?::text[])");
  }

  @Test
  void theCopyNamesEveryColumn() {
    assertThat(dialect.bulkLoadStatement("public", orders))
        .isEqualTo(
            "COPY \"public\".\"orders\" (\"_id\", \"total\", \"doc\") FROM STDIN (FORMAT text)");
  }

  @Test
  void theTableHasTheKeyAsPrimaryKey() {
    assertThat(dialect.createTable("public", orders))
        .isEqualTo(
            "CREATE TABLE IF NOT EXISTS \"public\".\"orders\""
                + " (\"_id\" text PRIMARY KEY, \"total\" numeric(12,2), \"doc\" jsonb)");
  }

  @Test
  void aCompositeKeyIsThePrimaryKeyAndTheKeyColumnStaysUnique() {
    TableMapping byRegion =
        new TableMapping(
            "orders",
            "orders",
            "_id",
            List.of(
                new ColumnMapping(FieldPath.parse("_id.region"), "region", SqlType.TEXT),
                new ColumnMapping(
                    FieldPath.parse("_id.n"), "n", SqlType.parse("bigint").orElseThrow())),
            "doc",
            null,
            OnError.FAIL,
            io.tidemark.core.mapping.OnHistoryLost.FAIL,
            List.of("region", "n"));

    assertThat(dialect.createTable("public", byRegion))
        .isEqualTo(
            "CREATE TABLE IF NOT EXISTS \"public\".\"orders\""
                + " (\"_id\" text NOT NULL UNIQUE, \"region\" text, \"n\" bigint, \"doc\" jsonb,"
                + " PRIMARY KEY (\"region\", \"n\"))");
    // Upserts still find the row by its identity.
    assertThat(dialect.upsert("public", byRegion)).contains("ON CONFLICT (\"_id\")");
  }

  @Test
  void theCheckpointNeverMovesBackwards() {
    assertThat(dialect.metadataSql().upsertCheckpoint("tidemark"))
        .contains("ON CONFLICT (pipeline, collection) DO UPDATE")
        .endsWith("WHERE c.cluster_time <= EXCLUDED.cluster_time");
  }

  @Test
  void theSwapLocksEveryTableInOneStatementInTheOrderGiven() {
    assertThat(dialect.lockTablesExclusively("s", List.of("orders", "order_items", "o\"x")))
        .isEqualTo(
            "LOCK TABLE \"s\".\"orders\", \"s\".\"order_items\", \"s\".\"o\"\"x\""
                + " IN ACCESS EXCLUSIVE MODE");
    assertThat(dialect.setLockTimeout(1000)).isEqualTo("SET LOCAL lock_timeout = '1000ms'");
  }

  @Test
  void lockConflictsCanBeRunAgainButACancelIsOnlyACancel() {
    for (String state : new String[] {"40P01", "40001", "55P03"}) {
      assertThat(dialect.isLockConflict(new SQLException("x", state))).as(state).isTrue();
      assertThat(dialect.isCancelled(new SQLException("x", state))).as(state).isFalse();
    }
    assertThat(dialect.isLockConflict(new SQLException("x", "57014"))).isFalse();
    assertThat(dialect.isCancelled(new SQLException("x", "57014"))).isTrue();
    assertThat(dialect.isLockConflict(new SQLException("x", "23505"))).isFalse();
  }
}
