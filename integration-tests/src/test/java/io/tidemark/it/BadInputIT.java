package io.tidemark.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.it.support.EngineProcess;
import io.tidemark.it.support.EngineProcess.Outcome;
import io.tidemark.it.support.TestPipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input at start: each case prints one paragraph naming the problem, exits non-zero, and shows
 * no stack trace (unless --debug).
 */
class BadInputIT {
  @TempDir Path dir;

  private Outcome run(String yaml, String... extraArgs) throws Exception {
    Path config = dir.resolve("bad.yaml");
    Files.writeString(config, yaml);
    String[] args = new String[extraArgs.length + 3];
    System.arraycopy(extraArgs, 0, args, 0, extraArgs.length);
    args[extraArgs.length] = "run";
    args[extraArgs.length + 1] = "--config";
    args[extraArgs.length + 2] = config.toString();
    return EngineProcess.runToEnd(dir, args);
  }

  private static void assertNoStackTrace(Outcome outcome) {
    assertThat(outcome.output()).doesNotContain("\tat ").doesNotContain("Exception in thread");
  }

  @Test
  void malformedYamlNamesTheLine() throws Exception {
    Outcome outcome = run("source: { uri: \"mongodb://x\", database: [unclosed\nsink: {}\n");
    assertThat(outcome.exitCode()).isEqualTo(2);
    assertThat(outcome.output()).contains("is not valid YAML at line");
    assertNoStackTrace(outcome);
  }

  @Test
  void unknownKeySuggestsTheRightOne() throws Exception {
    Outcome outcome =
        run(
            "source: { uri: \"mongodb://localhost:1\", databse: shop }\n"
                + "sink: { jdbcUrl: \"jdbc:postgresql://localhost:1/x\" }\n"
                + "collections:\n  - name: orders\n");
    assertThat(outcome.exitCode()).isEqualTo(2);
    assertThat(outcome.output())
        .contains("source.databse: unknown key; did you mean 'database'?")
        .contains("source.database: is required");
    assertNoStackTrace(outcome);
  }

  @Test
  void missingEnvironmentVariableIsNamed() throws Exception {
    Outcome outcome =
        run(
            "source: { uri: \"mongodb://localhost:1\", database: shop }\n"
                + "sink: { jdbcUrl: \"jdbc:postgresql://localhost:1/x\", password: \"${TIDEMARK_IT_SURELY_UNSET_PASSWORD}\" }\n"
                + "collections:\n  - name: orders\n");
    assertThat(outcome.exitCode()).isEqualTo(2);
    assertThat(outcome.output())
        .contains(
            "environment variable(s) that are not set: line 2: ${TIDEMARK_IT_SURELY_UNSET_PASSWORD}");
    assertNoStackTrace(outcome);
  }

  @Test
  void unreachableMongoDbIsReportedWithTheAddress() throws Exception {
    TestPipeline p = TestPipeline.create("badmongo");
    String yaml =
        p.yaml("collections:\n  - name: orders")
            .replaceFirst(
                "mongodb://[^\"]+", "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=1000");
    Outcome outcome = run(yaml);
    assertThat(outcome.exitCode()).isEqualTo(3);
    assertThat(outcome.output()).contains("Cannot reach MongoDB at mongodb://127.0.0.1:1");
    assertNoStackTrace(outcome);
  }

  @Test
  void wrongPostgresPasswordIsReportedWithTheFix() throws Exception {
    TestPipeline p = TestPipeline.create("badpg");
    requirePasswordAuthentication(p, "tidemark_pw_user");
    String yaml =
        p.yaml("collections:\n  - name: orders")
            .replaceFirst("username: \"[^\"]*\"", "username: \"tidemark_pw_user\"")
            .replaceFirst("password: \"[^\"]*\"", "password: \"definitely-wrong\"");
    Outcome outcome = run(yaml);
    assertThat(outcome.exitCode()).as(outcome.output()).isEqualTo(3);
    assertThat(outcome.output()).contains("password").contains("tidemark_pw_user");
    assertNoStackTrace(outcome);
  }

  /**
   * Makes PostgreSQL check the password of {@code role}. The embedded server trusts local
   * connections, so its pg_hba.conf gets a scram rule for that role first; real servers and
   * containers check passwords already.
   */
  private static void requirePasswordAuthentication(TestPipeline p, String role) throws Exception {
    try (var c = p.sink().getConnection();
        var st = c.createStatement()) {
      st.execute(
          "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '"
              + role
              + "') THEN CREATE ROLE "
              + role
              + " LOGIN PASSWORD 'right-password'; END IF; END $$");
      String hbaFile = p.query("SHOW hba_file").get(0);
      Path hba = Path.of(hbaFile);
      if (Files.isWritable(hba)) {
        String rule = "host all " + role + " all scram-sha-256\n";
        String current = Files.readString(hba);
        if (!current.startsWith(rule)) {
          Files.writeString(hba, rule + current);
        }
        st.execute("SELECT pg_reload_conf()");
      }
    }
  }

  @Test
  void debugFlagAddsTheStackTrace() throws Exception {
    Outcome outcome = run("source: { uri: \"mongodb://x\", database: [unclosed\n", "--debug");
    assertThat(outcome.exitCode()).isEqualTo(2);
    assertThat(outcome.output()).contains("\tat ");
  }
}
