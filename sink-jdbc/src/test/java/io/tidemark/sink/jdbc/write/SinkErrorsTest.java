package io.tidemark.sink.jdbc.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.sink.jdbc.dialect.postgres.PostgresDialect;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class SinkErrorsTest {

  private final SinkErrors errors = new SinkErrors(new PostgresDialect(), "pipe");

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
  void passwordsInUrlsAreMasked() {
    assertThat(SinkErrors.maskUrl("jdbc:postgresql://h:5432/db?user=u&password=s3cret&ssl=true"))
        .isEqualTo("jdbc:postgresql://h:5432/db?user=u&password=***&ssl=true");
    assertThat(SinkErrors.maskUrl("jdbc:postgresql://h/db?PASSWORD=x"))
        .isEqualTo("jdbc:postgresql://h/db?PASSWORD=***");
    assertThat(SinkErrors.maskUrl("jdbc:postgresql://h/db")).isEqualTo("jdbc:postgresql://h/db");
  }
}
