package io.tidemark.core.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the configuration reference (docs/configuration.md) from {@link ConfigKeys}, so the
 * documentation cannot drift from what the binder accepts. A test fails when the committed file
 * differs from this output.
 */
public final class ConfigReference {
  private ConfigReference() {}

  public static String markdown() {
    StringBuilder out = new StringBuilder();
    out.append("# Configuration reference\n\n")
        .append(
            "<!-- Generated from ConfigKeys.java by ConfigReference; do not edit by hand. -->\n")
        .append(
            "<!-- Regenerate: ./mvnw -q -pl core exec:java -Dexec.mainClass=io.tidemark.core.config.ConfigReference -Dexec.args=docs/configuration.md -->\n\n")
        .append("Tidemark reads one YAML file. `${NAME}` is replaced from the environment before")
        .append(" parsing (`${NAME:-default}` gives a default); a missing variable is an error.")
        .append(
            " Unknown keys are errors, and every problem is reported at once with its path.\n\n")
        .append("Durations are written `500ms`, `5s`, `2m`, `1h`; sizes `512KB`, `16MB`, `1GB`.\n");
    Map<String, List<ConfigKey<?>>> bySection = new LinkedHashMap<>();
    for (ConfigKey<?> key : ConfigKeys.ALL) {
      bySection.computeIfAbsent(key.section(), s -> new java.util.ArrayList<>()).add(key);
    }
    for (Map.Entry<String, List<ConfigKey<?>>> section : bySection.entrySet()) {
      String title = section.getKey().isEmpty() ? "Top level" : "`" + section.getKey() + "`";
      out.append("\n## ")
          .append(title)
          .append("\n\n")
          .append("| key | type | default | meaning |\n")
          .append("|---|---|---|---|\n");
      for (ConfigKey<?> key : section.getValue()) {
        out.append("| `")
            .append(key.path())
            .append("` | ")
            .append(key.type().name().replace("|", "\\|"))
            .append(" | ")
            .append(
                key.required()
                    ? "**required**"
                    : key.defaultText() == null ? "none" : "`" + key.defaultText() + "`")
            .append(" | ")
            .append(key.description().replace("|", "\\|"))
            .append(" |\n");
      }
    }
    return out.toString();
  }

  /** Writes the reference to the file named by the first argument, or prints it. */
  public static void main(String[] args) throws java.io.IOException {
    if (args.length == 0) {
      System.out.print(markdown());
    } else {
      java.nio.file.Files.writeString(java.nio.file.Path.of(args[0]), markdown());
    }
  }
}
