package io.tidemark.it.campaign;

import io.tidemark.it.campaign.Findings.Category;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The summary of a campaign: runs, operations, faults by kind and phase, what was compared. */
final class CampaignSummary {
  private CampaignSummary() {}

  static String text(List<RunResult> results, CampaignSettings settings) {
    long passed = results.stream().filter(RunResult::passed).count();
    Map<String, Long> ops = new TreeMap<>();
    Map<String, Long> faults = new TreeMap<>();
    for (RunResult r : results) {
      r.operationsByKind().forEach((k, v) -> ops.merge(k, v, Long::sum));
      r.faults().forEach((k, v) -> faults.merge(k, v, Long::sum));
    }
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "Campaign: %d runs (%d passed, %d failed), %d s of faults each (%s), %d documents"
                + " seeded, ~%d ops/s, avoiding: %s%n",
            results.size(),
            passed,
            results.size() - passed,
            settings.seconds(),
            settings.faults().size() == FaultKind.values().length
                ? "all kinds"
                : settings.faults().stream()
                    .map(FaultKind::label)
                    .sorted()
                    .collect(Collectors.joining(",")),
            settings.documents(),
            settings.opsPerSecond(),
            settings.avoid().isEmpty()
                ? "nothing"
                : settings.avoid().stream()
                    .map(CampaignSettings.Avoid::label)
                    .sorted()
                    .collect(Collectors.joining(","))));
    out.append(
        String.format(
            Locale.ROOT,
            "operations: %d (%s)%n",
            sum(results, RunResult::operations),
            ops.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "))));
    out.append(String.format(Locale.ROOT, "faults: %d%n", sum(results, RunResult::faultCount)));
    for (FaultKind kind : FaultKind.values()) {
      String phases =
          faults.entrySet().stream()
              .filter(e -> e.getKey().startsWith(kind.label() + "@"))
              .map(e -> e.getKey().substring(kind.label().length() + 1) + " " + e.getValue())
              .collect(Collectors.joining(", "));
      out.append(
          String.format(
              Locale.ROOT,
              "  %-24s %5d%s%n",
              kind.label(),
              faults.getOrDefault(kind.label(), 0L),
              phases.isEmpty() ? "" : "  (" + phases + ")"));
    }
    out.append(
        String.format(
            Locale.ROOT,
            "rows compared: %d (+ %d child rows); differences: %d; wrong counters: %d;"
                + " unexpected FAILED: %d; backwards moves: %d; log findings: %d; daemon"
                + " findings: %d; convergence findings: %d%n",
            sum(results, RunResult::rowsCompared),
            sum(results, RunResult::childRowsCompared),
            sum(results, RunResult::differences),
            sum(results, RunResult::wrongCounters),
            count(results, Category.UNEXPECTED_FAILED),
            count(results, Category.BACKWARDS),
            count(results, Category.LOG),
            count(results, Category.DAEMON),
            count(results, Category.CONVERGENCE)));
    for (RunResult r : results) {
      if (!r.passed()) {
        out.append("FAILED seed ")
            .append(r.seed())
            .append(": ")
            .append(r.findings().size())
            .append(" finding(s), first: ")
            .append(r.findings().get(0))
            .append("\n    history: ")
            .append(r.history())
            .append("\n    re-run: ")
            .append(r.rerun())
            .append('\n');
      }
    }
    return out.toString();
  }

  private static long sum(List<RunResult> results, java.util.function.ToLongFunction<RunResult> f) {
    return results.stream().mapToLong(f).sum();
  }

  private static long count(List<RunResult> results, Category category) {
    return results.stream().mapToLong(r -> r.count(category)).sum();
  }
}
