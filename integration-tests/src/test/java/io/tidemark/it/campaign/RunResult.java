package io.tidemark.it.campaign;

import io.tidemark.it.campaign.Findings.Category;
import io.tidemark.it.campaign.Findings.Finding;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What one run did and found.
 *
 * @param seed the run's seed
 * @param seconds how long the whole run took, setup and checks included
 * @param operations the workload's writes
 * @param operationsByKind writes by kind (insert, inc, push, …)
 * @param faults faults that happened, by kind label and by kind and phase ({@code kill@copy})
 * @param rowsCompared rows of target tables that verify compared
 * @param childRowsCompared rows of child tables, compared as part of their documents
 * @param differences what verify reported
 * @param wrongCounters documents whose counter row was wrong, missing or extra
 * @param findings everything found wrong, in order
 * @param history the run's history file
 * @param rerun the command that runs this seed again with these settings
 */
record RunResult(
    long seed,
    double seconds,
    long operations,
    Map<String, Long> operationsByKind,
    Map<String, Long> faults,
    long rowsCompared,
    long childRowsCompared,
    long differences,
    long wrongCounters,
    List<Finding> findings,
    Path history,
    String rerun) {

  RunResult {
    operationsByKind = Map.copyOf(operationsByKind);
    faults = Map.copyOf(faults);
    findings = List.copyOf(findings);
  }

  boolean passed() {
    return findings.isEmpty();
  }

  long count(Category category) {
    return findings.stream().filter(f -> f.category() == category).count();
  }

  /** Faults that happened, all kinds together. */
  long faultCount() {
    return faults.entrySet().stream()
        .filter(e -> !e.getKey().contains("@"))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  /** One line for the console. */
  String line() {
    String kinds =
        new TreeMap<>(faults)
            .entrySet().stream()
                .filter(e -> !e.getKey().contains("@"))
                .map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
    return String.format(
        Locale.ROOT,
        "seed %d: %s in %.0f s: %d ops, %d faults (%s), %d rows + %d child rows compared,"
            + " %d differences, %d wrong counters, %d unexpected FAILED, %d other findings%s",
        seed,
        passed() ? "PASS" : "FAIL",
        seconds,
        operations,
        faultCount(),
        kinds,
        rowsCompared,
        childRowsCompared,
        differences,
        wrongCounters,
        count(Category.UNEXPECTED_FAILED),
        findings.size()
            - count(Category.DIFFERENCE)
            - count(Category.COUNTER)
            - count(Category.UNEXPECTED_FAILED),
        passed() ? "" : "; first: " + findings.get(0) + "; history " + history);
  }
}
