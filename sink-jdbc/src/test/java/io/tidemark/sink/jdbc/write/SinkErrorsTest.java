package io.tidemark.sink.jdbc.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.sink.jdbc.dialect.postgres.PostgresDialect;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class SinkErrorsTest {

  private final SinkErrors errors =
      new SinkErrors(new PostgresDialect(), "pipe", new SocketTimeout(120, "sink.socketTimeout"));

  @Test
  void connectionProblemsAreUnavailableAndRetriable() {
    for (String state : new String[] {"08006", "08001", "57P01", "57P02", "57P03", "53300"}) {
      TidemarkException e = errors.translate(new SQLException("gone", state), "apply");
      assertThat(e.code()).as(state).isEqualTo(ErrorCode.SINK_UNAVAILABLE);
      assertThat(e.retriable()).isTrue();
      assertThat(e.databaseCode()).isEqualTo(state);
    }
  }

  @Test
  void lockConflictsAndCancelledStatementsAreRetriableWithTheirStateAndTheFix() {
    String[][] cases = {
      {"40P01", "deadlock detected", "Deadlock"},
      {"40001", "could not serialize access", "serialization failure"},
      {"55P03", "canceling statement due to lock timeout", "pg_stat_activity"},
      {"57014", "canceling statement due to statement timeout", "statement_timeout"},
    };
    for (String[] c : cases) {
      TidemarkException e =
          errors.translate(
              new SQLException("ERROR: " + c[1], c[0]),
              "swap the rebuilt table orders__tidemark_rebuild in for orders");
      assertThat(e.retriable()).as(c[0]).isTrue();
      assertThat(e.code()).as(c[0]).isEqualTo(ErrorCode.SINK_CONFLICT);
      assertThat(e.databaseCode()).isEqualTo(c[0]);
      assertThat(e.getMessage())
          .as(c[0])
          .startsWith(
              "Could not swap the rebuilt table orders__tidemark_rebuild in for orders in pipeline"
                  + " 'pipe': ERROR: "
                  + c[1]
                  + " (SQLSTATE "
                  + c[0]
                  + "). ")
          .contains(c[2])
          .contains("Tidemark retries on its own");
    }
  }

  @Test
  void aPoolTimeoutIsUnavailableAndSaysWhatToRaise() {
    TidemarkException e =
        errors.translate(
            new SQLTransientConnectionException(
                "tidemark-sink - Connection is not available, request timed out after 10000ms"
                    + " (total=2, active=2, idle=0, waiting=1)"),
            "apply 3 changes to table \"public\".\"orders\" for collection 'orders'");

    assertThat(e.code()).isEqualTo(ErrorCode.SINK_UNAVAILABLE);
    assertThat(e.getMessage())
        .isEqualTo(
            "Could not apply 3 changes to table \"public\".\"orders\" for collection 'orders' in"
                + " pipeline 'pipe': tidemark-sink - Connection is not available, request timed"
                + " out after 10000ms (total=2, active=2, idle=0, waiting=1). No connection became"
                + " free in time: raise sink.poolSize, or look for long-running statements or"
                + " locks on the database.");
  }

  @Test
  void otherFailuresAreFailedWithTheDatabaseMessageOnOneLineAndTheFix() {
    SQLException cause =
        new SQLException(
            "ERROR: permission denied for table orders\n  Where: SQL statement", "42501");

    TidemarkException e = errors.translate(cause, "copy a chunk into table \"s\".\"orders\"");

    assertThat(e.code()).isEqualTo(ErrorCode.SINK_FAILED);
    assertThat(e.retriable()).isFalse();
    assertThat(e.databaseCode()).isEqualTo("42501");
    assertThat(e.getCause()).isSameAs(cause);
    assertThat(e.getMessage())
        .isEqualTo(
            "Could not copy a chunk into table \"s\".\"orders\" in pipeline 'pipe': ERROR:"
                + " permission denied for table orders Where: SQL statement (SQLSTATE 42501)."
                + " Grant the sink user USAGE and CREATE on the target and metadata schemas and"
                + " SELECT, INSERT, UPDATE, DELETE on the target tables.");
  }

  @Test
  void anUnknownStateStillGetsAnInstruction() {
    TidemarkException e = errors.translate(new SQLException("odd", "XX000"), "apply");

    assertThat(e.code()).isEqualTo(ErrorCode.SINK_FAILED);
    assertThat(e.getMessage()).endsWith("resumes from its last committed position.");
  }

  @Test
  void anUnreachableSinkWithoutAUserSaysSoAndPrintsNoPassword() {
    TidemarkException e =
        errors.connectFailure(
            new SQLException("Connection refused", "08001"),
            "jdbc:postgresql://h:5432/db?password=s3cret&ssl=true",
            null,
            3000);

    assertThat(e.getMessage())
        .startsWith(
            "Could not reach the sink database at jdbc:postgresql://h:5432/db?password=***&ssl=true"
                + " (no user given) for pipeline 'pipe' within 3000 ms: Connection refused")
        .doesNotContain("s3cret")
        .doesNotContain("null");
  }
}
