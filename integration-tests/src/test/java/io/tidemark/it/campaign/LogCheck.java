package io.tidemark.it.campaign;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one output of the daemon (or of a command) for what must never be there when it runs at
 * INFO: a stack trace (they belong to {@code --debug}; docs/operations.md: "--debug anywhere gives
 * DEBUG logs and stack traces"), any of the run's secrets, and an ERROR that no fault of the
 * schedule explains: the only ones a run may cause are collections stopped because their position
 * fell out of the oplog (history-lost faults with {@code onHistoryLost: fail}); anything else
 * logged at ERROR (a swap that failed, an unexpected failure, a rebuild stopped) is a finding even
 * when the tables end up right. Stack traces and errors are grouped by the log line that printed
 * them (its logger, or the java.util.logging record), one problem per group.
 */
final class LogCheck {
  /** A logback line of the daemon: time, level, thread, logger, message. */
  private static final Pattern LOGBACK =
      Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT\\S+ +(\\w+) +\\[[^\\]]*\\] (\\S+) - (.*)$");

  /**
   * The one ERROR a schedule may cause: a collection stopped by a history-lost fault, the line
   * naming the collection in its {@code [pipeline/collection]} context and in its message.
   */
  private static final Pattern EXPECTED_ERROR =
      Pattern.compile(
          "^\\[[^/\\]]*/([^\\]]+)\\] stopped: \\1: (opening|reading) the change stream.* failed:"
              + " the stream's"
              + " position has fallen out of the source's oplog \\(MongoDB error 286.*");

  /** A java.util.logging record's second line ({@code WARNING: message}). */
  private static final Pattern JUL = Pattern.compile("^(SEVERE|WARNING|INFO|CONFIG|FINE): (.*)$");

  private final List<String> secrets;
  private final List<String> secretNames;
  private final boolean passOverLibraryTraces;

  /**
   * @param secrets the secret values and what each is, e.g. "sink password"
   * @param passOverLibraryTraces while the finding about third-party stack traces is open (see
   *     {@link CampaignSettings.Avoid#LIBRARY_STACK_TRACES}), traces printed by HikariCP's "marked
   *     as broken" warning and by pgjdbc through java.util.logging are not reported
   */
  LogCheck(Map<String, String> secrets, boolean passOverLibraryTraces) {
    List<String> values = new ArrayList<>();
    List<String> names = new ArrayList<>();
    secrets.forEach(
        (name, value) -> {
          names.add(name);
          values.add(value);
        });
    this.secrets = List.copyOf(values);
    this.secretNames = List.copyOf(names);
    this.passOverLibraryTraces = passOverLibraryTraces;
  }

  List<String> problems(Path file) throws IOException {
    List<String> problems = new ArrayList<>();
    if (!Files.exists(file)) {
      return problems;
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    Map<String, int[]> traces = new LinkedHashMap<>(); // owner -> {first line, count}
    Map<String, int[]> errors = new LinkedHashMap<>();
    String owner = "(start of file)";
    boolean inTrace = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      Matcher logback = LOGBACK.matcher(line);
      Matcher jul = JUL.matcher(line);
      if (logback.matches()) {
        owner = logback.group(1) + " " + logback.group(2) + " - " + shape(logback.group(3));
        inTrace = false;
        int lineNumber = i + 1;
        if (logback.group(1).equals("ERROR")
            && !EXPECTED_ERROR.matcher(logback.group(3)).matches()) {
          errors.computeIfAbsent(owner, o -> new int[] {lineNumber, 0})[1]++;
        }
      } else if (jul.matches()) {
        owner = "java.util.logging " + jul.group(1) + ": " + shape(jul.group(2));
        inTrace = false;
      } else if (line.startsWith("\tat ") || line.startsWith("Caused by: ")) {
        if (!inTrace && !(passOverLibraryTraces && isLibraryTrace(owner))) {
          traces.computeIfAbsent(owner, o -> new int[] {0, 0})[1]++;
          traces.get(owner)[0] = traces.get(owner)[0] == 0 ? i + 1 : traces.get(owner)[0];
        }
        inTrace = true;
      }
      for (int s = 0; s < secrets.size(); s++) {
        if (line.contains(secrets.get(s))) {
          problems.add(
              file.getFileName()
                  + " line "
                  + (i + 1)
                  + " holds the run's "
                  + secretNames.get(s)
                  + " unmasked: "
                  + line.replace(secrets.get(s), "<" + secretNames.get(s) + ">"));
        }
      }
    }
    errors.forEach(
        (o, at) ->
            problems.add(
                file.getFileName()
                    + " line "
                    + at[0]
                    + ": "
                    + at[1]
                    + " ERROR(s) no fault explains: "
                    + o));
    traces.forEach(
        (o, at) ->
            problems.add(
                file.getFileName()
                    + " line "
                    + at[0]
                    + ": "
                    + at[1]
                    + " stack trace(s) at INFO, printed by: "
                    + o));
    return problems;
  }

  private static boolean isLibraryTrace(String owner) {
    return (owner.contains(" ProxyConnection - ") && owner.contains("marked as broken"))
        || owner.startsWith("java.util.logging ");
  }

  /** The message with numbers and object ids blurred, so repeats group together. */
  private static String shape(String message) {
    String s = message.replaceAll("@[0-9a-f]+", "@…").replaceAll("\\d+", "N");
    return s.length() > 160 ? s.substring(0, 160) + "…" : s;
  }

  /** The last three lines of an output, on one line, for a finding. */
  static String lastLines(String log) {
    String[] lines = log.strip().split("\n");
    return String.join(" | ", List.of(lines).subList(Math.max(0, lines.length - 3), lines.length));
  }
}
