package io.tidemark.app.verify;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The text and JSON forms of a {@link VerifyReport}, as {@code tidemark verify} prints them. */
public final class VerifyReportWriter {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private VerifyReportWriter() {}

  /** A summary line per collection, its differing keys indented below it, then the verdict. */
  public static String text(VerifyReport report) {
    StringBuilder out = new StringBuilder();
    for (CollectionResult r : report.collections()) {
      out.append(r.collection()).append(" -> ").append(r.table()).append(": ");
      if (r.problem() != null) {
        out.append(r.problem()).append('\n');
        continue;
      }
      out.append(r.documents()).append(" documents, ").append(r.rows()).append(" rows");
      if (r.unmappable() > 0) {
        out.append(" (")
            .append(r.unmappable())
            .append(" documents cannot be mapped and have no row)");
      }
      if (r.differences() == 0) {
        out.append(": identical\n");
        continue;
      }
      out.append(": ")
          .append(r.differences())
          .append(" difference(s): ")
          .append(r.missing())
          .append(" missing in table, ")
          .append(r.extra())
          .append(" extra in table, ")
          .append(r.different())
          .append(" different\n");
      int width = 0;
      for (Difference d : r.examples()) {
        width = Math.max(width, d.kind().label().length());
      }
      for (Difference d : r.examples()) {
        out.append("    ")
            .append(d.kind().label())
            .append(" ".repeat(width - d.kind().label().length()))
            .append("  ")
            .append(d.key())
            .append("  (")
            .append(d.detail())
            .append(")\n");
      }
      if (r.examples().size() < r.differences()) {
        out.append("    ... and ")
            .append(r.differences() - r.examples().size())
            .append(" more (raise --show to list them)\n");
      }
      if (r.repair() != null) {
        out.append("    repaired: ")
            .append(r.repair().upserted())
            .append(" row(s) written from their document, ")
            .append(r.repair().deleted())
            .append(" deleted, at the committed position ")
            .append(r.repair().position())
            .append(" (not moved)\n");
      }
    }
    out.append(verdict(report)).append('\n');
    return out.toString();
  }

  private static String verdict(VerifyReport report) {
    long problems = report.collections().stream().filter(r -> r.problem() != null).count();
    long differing =
        report.collections().stream()
            .filter(r -> r.problem() == null && r.differences() > 0)
            .count();
    int n = report.collections().size();
    if (report.identical()) {
      return "verdict: identical (" + n + " of " + n + " collection(s) match their table)";
    }
    StringBuilder v = new StringBuilder("verdict: ");
    if (report.repair() && report.clean()) {
      v.append("repaired ")
          .append(report.differences())
          .append(" difference(s) in ")
          .append(differing)
          .append(" collection(s); run verify again to confirm");
      return v.toString();
    }
    v.append(report.differences())
        .append(" difference(s) in ")
        .append(differing)
        .append(" of ")
        .append(n)
        .append(" collection(s)");
    if (problems > 0) {
      v.append(", ").append(problems).append(" collection(s) not compared or not repaired");
    }
    if (!report.repair() && report.differences() > 0) {
      v.append("; fix them with 'tidemark verify --repair' while the daemon is stopped");
    }
    return v.toString();
  }

  public static ObjectNode json(VerifyReport report) {
    ObjectNode root = NODES.objectNode();
    root.put("pipeline", report.pipeline());
    root.put("repair", report.repair());
    root.put("identical", report.identical());
    root.put("clean", report.clean());
    root.put("differences", report.differences());
    ArrayNode collections = root.putArray("collections");
    for (CollectionResult r : report.collections()) {
      ObjectNode c = collections.addObject();
      c.put("collection", r.collection());
      c.put("table", r.table());
      c.put("identical", r.identical());
      c.put("problem", r.problem());
      c.put("documents", r.documents());
      c.put("rows", r.rows());
      c.put("unmappable", r.unmappable());
      c.put("missingInTable", r.missing());
      c.put("extraInTable", r.extra());
      c.put("different", r.different());
      ArrayNode examples = c.putArray("differences");
      for (Difference d : r.examples()) {
        ObjectNode e = examples.addObject();
        e.put("key", d.key());
        e.put("kind", d.kind().name());
        e.put("detail", d.detail());
      }
      if (r.repair() == null) {
        c.putNull("repair");
      } else {
        ObjectNode repair = c.putObject("repair");
        repair.put("upserted", r.repair().upserted());
        repair.put("deleted", r.repair().deleted());
        repair.put("position", r.repair().position());
      }
    }
    return root;
  }
}
