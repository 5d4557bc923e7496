package io.tidemark.app.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Renders the JSON of {@code GET /status} as the table {@code tidemark status} prints. */
public final class StatusTable {
  private static final String[] HEADER = {
    "COLLECTION",
    "TABLE",
    "STATE",
    "COPIED",
    "RATE",
    "ETA",
    "EVENTS",
    "DEAD",
    "LAG",
    "CHECKPOINT",
    "LAST COMMIT"
  };

  private StatusTable() {}

  public static String render(JsonNode status) {
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    List<List<String>> notes = new ArrayList<>();
    for (JsonNode c : status.path("collections")) {
      rows.add(row(c));
      List<String> lines = new ArrayList<>();
      JsonNode rebuild = c.path("rebuild");
      if (rebuild.isObject()) {
        lines.add(
            "rebuild into "
                + rebuild.path("table").asText()
                + ": "
                + rebuild.path("state").asText()
                + ", copied "
                + copied(rebuild)
                + rate(rebuild, ", ")
                + (rebuild.path("copyEtaSeconds").isNumber()
                    ? ", ETA " + duration(rebuild.path("copyEtaSeconds").asLong())
                    : "")
                + (rebuild.path("lagSeconds").isNumber()
                    ? ", " + duration(rebuild.path("lagSeconds").asLong()) + " behind the source"
                    : "")
                + (text(rebuild, "lastError").isEmpty()
                    ? ""
                    : "; error: " + text(rebuild, "lastError")));
      }
      if ("WAITING".equals(text(c, "state"))) {
        lines.add("waiting: " + HealthEndpoint.waitingDetail(text(c, "collection")));
      }
      if (!text(c, "lastError").isEmpty()) {
        lines.add("last error: " + text(c, "lastError"));
      }
      notes.add(lines);
    }
    int[] widths = new int[HEADER.length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        widths[i] = Math.max(widths[i], r[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    out.append("Pipeline '")
        .append(status.path("pipeline").asText())
        .append("' at ")
        .append(status.path("time").asText())
        .append('\n');
    if ("STANDBY".equals(status.path("role").asText())) {
      out.append(
          "This process is a standby: it waits for the writer lock and takes over when its holder"
              + " ends.\n");
    }
    for (int r = 0; r < rows.size(); r++) {
      StringBuilder line = new StringBuilder();
      String[] cells = rows.get(r);
      for (int i = 0; i < cells.length; i++) {
        line.append(i == 0 ? "" : "  ").append(pad(cells[i], widths[i]));
      }
      out.append(line.toString().stripTrailing()).append('\n');
      if (r > 0) {
        for (String note : notes.get(r - 1)) {
          out.append("    ").append(note).append('\n');
        }
      }
    }
    return out.toString();
  }

  private static String[] row(JsonNode c) {
    JsonNode checkpoint = c.path("checkpoint");
    return new String[] {
      text(c, "collection"),
      text(c, "table"),
      text(c, "state"),
      copied(c),
      rate(c, ""),
      c.path("copyEtaSeconds").isNumber() ? duration(c.path("copyEtaSeconds").asLong()) : "-",
      Long.toString(c.path("eventsApplied").asLong()),
      Long.toString(c.path("deadLetters").asLong()),
      c.path("lagSeconds").isNumber() ? duration(c.path("lagSeconds").asLong()) : "-",
      checkpoint.isObject() ? checkpoint.path("time").asText() : "-",
      c.path("lastCommitAt").isTextual() ? c.path("lastCommitAt").asText() : "-"
    };
  }

  private static String copied(JsonNode c) {
    long copied = c.path("rowsCopied").asLong();
    long estimated = c.path("rowsEstimated").asLong();
    if (estimated <= 0) {
      return Long.toString(copied);
    }
    long percent = Math.min(100, Math.round(100.0 * copied / estimated));
    return copied + "/" + estimated + " (" + percent + "%)";
  }

  private static String rate(JsonNode c, String prefix) {
    double rate = c.path("copyRatePerSecond").asDouble();
    if (rate <= 0) {
      return prefix.isEmpty() ? "-" : "";
    }
    return prefix + String.format(Locale.ROOT, "%.0f rows/s", rate);
  }

  /** 42s, 3m20s, 2h05m, 3d04h. */
  static String duration(long seconds) {
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
    }
    if (seconds < 86400) {
      return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
    }
    return String.format(Locale.ROOT, "%dd%02dh", seconds / 86400, seconds % 86400 / 3600);
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isNull() || v.isMissingNode() ? "" : v.asText();
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }
}
