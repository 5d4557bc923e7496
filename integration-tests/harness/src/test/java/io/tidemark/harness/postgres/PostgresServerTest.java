package io.tidemark.harness.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresServerTest {

  @Test
  void theSharedServerCreatesIsolatedDatabases() throws SQLException {
    PostgresServer postgres = PostgresServer.shared();
    String first = postgres.newDatabase("Fixtures Test");
    String second = postgres.newDatabase("Fixtures Test");

    try (Connection connection = postgres.dataSource(first).getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE marker (id int)");
    }

    assertThat(first).isNotEqualTo(second).contains("/fixtures_test_");
    assertThat(tablesNamedMarker(postgres, first)).isEqualTo(1);
    assertThat(tablesNamedMarker(postgres, second)).isZero();
    assertThat(queryString(postgres, postgres.jdbcUrl(), "SELECT current_user"))
        .isEqualTo(postgres.username());
    assertThat(PostgresServer.shared()).isSameAs(postgres);
  }

  @Test
  void theSharedServerOutlivesItsClose() throws SQLException {
    PostgresServer postgres = PostgresServer.shared();
    postgres.close();
    assertThat(queryString(postgres, postgres.jdbcUrl(), "SELECT 1")).isEqualTo("1");
  }

  @Test
  void aDurableEmbeddedServerCommitsAsPostgresDoesByDefaultAndStopsOnClose() throws Exception {
    PostgresServer durable = PostgresServer.embedded(EmbeddedSettings.durable());
    try (durable) {
      assertThat(durable.kind()).isEqualTo(PostgresServer.Kind.EMBEDDED);
      assertThat(queryString(durable, durable.jdbcUrl(), "SHOW fsync")).isEqualTo("on");
      assertThat(queryString(durable, durable.jdbcUrl(), "SHOW synchronous_commit"))
          .isEqualTo("on");
    }
    assertThatThrownBy(() -> queryString(durable, durable.jdbcUrl(), "SELECT 1"))
        .isInstanceOf(SQLException.class);
  }

  @Test
  void anEmbeddedServerKeptInADirectoryStartsAgainWithItsData(@TempDir Path directory)
      throws Exception {
    Path data = directory.resolve("data");
    try (PostgresServer first = PostgresServer.embedded(EmbeddedSettings.keptIn(data))) {
      first.execute("CREATE TABLE kept (id int)");
    }
    try (PostgresServer again = PostgresServer.embedded(EmbeddedSettings.keptIn(data))) {
      assertThat(tablesNamed(again, again.jdbcUrl(), "kept")).isEqualTo(1);
    }
  }

  @Test
  void hostAndPortAreReadFromTheUrl() {
    PostgresServer external =
        PostgresServer.external("jdbc:postgresql://db.example:6543/app?ssl=true", "u", "p");
    assertThat(external.host()).isEqualTo("db.example");
    assertThat(external.port()).isEqualTo(6543);
    assertThat(external.kind()).isEqualTo(PostgresServer.Kind.ENV);
    assertThat(PostgresServer.external("jdbc:postgresql://db/app", "u", "p").port())
        .isEqualTo(5432);
    assertThat(external.toString()).doesNotContain("p@").contains("db.example:6543");
  }

  @Test
  void jdbcUrlGetsAnotherDatabaseWithItsParametersKept() {
    assertThat(
            PostgresServer.withDatabase("jdbc:postgresql://db:5432/postgres?ssl=true&user=x", "t1"))
        .isEqualTo("jdbc:postgresql://db:5432/t1?ssl=true&user=x");
    assertThat(PostgresServer.withDatabase("jdbc:postgresql://db:5432", "t1"))
        .isEqualTo("jdbc:postgresql://db:5432/t1");
    assertThatThrownBy(() -> PostgresServer.withDatabase("jdbc:mysql://db/x", "t1"))
        .hasMessageContaining("Not a PostgreSQL JDBC URL: jdbc:mysql://db/x");
  }

  private static int tablesNamedMarker(PostgresServer postgres, String url) throws SQLException {
    return tablesNamed(postgres, url, "marker");
  }

  private static int tablesNamed(PostgresServer postgres, String url, String table)
      throws SQLException {
    return Integer.parseInt(
        queryString(
            postgres,
            url,
            "SELECT count(*) FROM information_schema.tables WHERE table_name = '" + table + "'"));
  }

  private static String queryString(PostgresServer postgres, String url, String sql)
      throws SQLException {
    try (Connection connection = postgres.dataSource(url).getConnection();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      assertThat(result.next()).isTrue();
      return result.getString(1);
    }
  }
}
