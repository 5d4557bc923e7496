package io.tidemark.it.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidemark.it.campaign.CampaignWorkload.ExpectedCounters;
import io.tidemark.it.campaign.Findings.Category;
import io.tidemark.it.campaign.History.Kind;
import io.tidemark.it.support.EngineProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The end-of-run checks, once the daemon has converged and stopped:
 *
 * <ol>
 *   <li>{@code tidemark verify --json} (the real command, reading both servers directly): every
 *       table equals its collection, child tables included;
 *   <li>every row's {@code $inc} counter equals what the workload's writes leave, and every live
 *       document has exactly one row (a double apply or a lost update shows here even where both
 *       servers agree with each other);
 *   <li>the daemon's output (every daemon of the run, and verify's) has no stack trace — the daemon
 *       runs at INFO, where stack traces belong to {@code --debug} — and none of the run's secrets.
 * </ol>
 */
final class CampaignChecker {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int EXAMPLES = 5;

  private final RunContext run;
  private final Path dir;

  CampaignChecker(RunContext run, Path dir) {
    this.run = run;
    this.dir = dir;
  }

  /**
   * Rows compared and differences found by {@code tidemark verify}.
   *
   * @param rows rows of the target tables compared
   * @param childRows rows of the child tables, compared as part of their documents
   * @param differences differences reported
   */
  record VerifyCounts(long rows, long childRows, long differences) {}

  VerifyCounts verify(Path config) throws IOException, InterruptedException {
    EngineProcess.Outcome outcome =
        EngineProcess.runToEnd(
            dir, "verify", "--config", config.toString(), "--json", "--show", "10");
    Files.writeString(dir.resolve("verify.out"), outcome.output());
    String output = outcome.output();
    int jsonStart = output.indexOf('{');
    if (jsonStart < 0 || (outcome.exitCode() != 0 && outcome.exitCode() != 5)) {
      run.findings()
          .add(
              Category.DIFFERENCE,
              "tidemark verify exited " + outcome.exitCode() + ": " + LogCheck.lastLines(output));
      return new VerifyCounts(0, 0, 0);
    }
    JsonNode report = JSON.readTree(output.substring(jsonStart));
    long rows = 0;
    long differences = 0;
    for (JsonNode c : report.path("collections")) {
      rows += c.path("rows").asLong();
      long d =
          c.path("missingInTable").asLong()
              + c.path("extraInTable").asLong()
              + c.path("different").asLong();
      differences += d;
      if (!c.path("problem").isNull()) {
        run.findings()
            .add(
                Category.DIFFERENCE,
                c.path("collection").asText() + " not compared: " + c.path("problem").asText());
      } else if (d > 0) {
        run.findings()
            .add(
                Category.DIFFERENCE,
                c.path("collection").asText()
                    + ": "
                    + d
                    + " difference(s) ("
                    + c.path("missingInTable").asLong()
                    + " missing, "
                    + c.path("extraInTable").asLong()
                    + " extra, "
                    + c.path("different").asLong()
                    + " different), e.g. "
                    + c.path("differences"));
      }
    }
    long childRows = count("SELECT count(*) FROM \"public\".\"order_lines\"");
    run.history()
        .record(
            Kind.CHECK,
            "verify: exit "
                + outcome.exitCode()
                + ", "
                + rows
                + " rows and "
                + childRows
                + " child rows compared, "
                + differences
                + " differences");
    return new VerifyCounts(rows, childRows, differences);
  }

  /** Returns how many documents have a wrong, missing or extra counter row. */
  long counters(Map<String, ExpectedCounters> expected) throws SQLException {
    long wrong = 0;
    try (Connection c = run.postgres().connect(run.database());
        Statement st = c.createStatement()) {
      for (Map.Entry<String, ExpectedCounters> e : expected.entrySet()) {
        Map<String, String> actual = new HashMap<>();
        List<String> duplicates = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(e.getValue().query())) {
          while (rs.next()) {
            if (actual.put(rs.getString(1), rs.getString(2)) != null) {
              duplicates.add(rs.getString(1));
            }
          }
        }
        List<String> examples = new ArrayList<>();
        long wrongHere = duplicates.size();
        for (String key : duplicates) {
          example(examples, key + ": more than one row");
        }
        for (Map.Entry<String, Long> want : e.getValue().counters().entrySet()) {
          String got = actual.remove(want.getKey());
          if (got == null || Long.parseLong(got) != want.getValue()) {
            wrongHere++;
            example(examples, want.getKey() + ": counter " + got + ", expected " + want.getValue());
          }
        }
        for (String extra : actual.keySet()) {
          wrongHere++;
          example(examples, extra + ": a row for a deleted document");
        }
        run.history()
            .record(
                Kind.CHECK,
                e.getKey()
                    + ": "
                    + e.getValue().counters().size()
                    + " counters checked, "
                    + wrongHere
                    + " wrong");
        if (wrongHere > 0) {
          run.findings()
              .add(
                  Category.COUNTER,
                  e.getKey() + ": " + wrongHere + " wrong counter(s), e.g. " + examples);
        }
        wrong += wrongHere;
      }
    }
    return wrong;
  }

  private static void example(List<String> examples, String text) {
    if (examples.size() < EXAMPLES) {
      examples.add(text);
    }
  }

  /** Stack traces and secrets in every output of the run. */
  void logs(List<Path> files, LogCheck check) throws IOException {
    List<Path> all = new ArrayList<>(files);
    all.add(dir.resolve("verify.out"));
    for (Path file : all) {
      for (String problem : check.problems(file)) {
        run.findings().add(Category.LOG, problem);
      }
    }
    run.history().record(Kind.CHECK, "logs read: " + all.size() + " files");
  }

  private long count(String sql) {
    try (Connection c = run.postgres().connect(run.database());
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      return 0;
    }
  }
}
