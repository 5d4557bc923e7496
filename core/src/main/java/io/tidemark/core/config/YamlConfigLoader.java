package io.tidemark.core.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the YAML configuration file: substitutes {@code ${NAME}} (or {@code ${NAME:-default}}) from
 * the environment, parses, and binds it with {@link ConfigBinder}. Every problem is reported with
 * where it is.
 */
public final class YamlConfigLoader {
  private static final Pattern VARIABLE =
      Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

  private final Function<String, String> environment;

  public YamlConfigLoader() {
    this(System::getenv);
  }

  public YamlConfigLoader(Map<String, String> environment) {
    this(environment::get);
  }

  private YamlConfigLoader(Function<String, String> environment) {
    this.environment = environment;
  }

  public TidemarkConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new TidemarkException(
          ErrorCode.CONFIG_INVALID, "Configuration file " + file + " does not exist.");
    } catch (IOException e) {
      throw new TidemarkException(
          ErrorCode.CONFIG_INVALID,
          "Cannot read configuration file " + file + ": " + e.getMessage());
    }
    return parse(text, file.toString());
  }

  public TidemarkConfig parse(String text, String origin) {
    return ConfigBinder.bind(tree(text, origin), origin);
  }

  /**
   * Parses a configuration whose changes do not come from MongoDB ({@link
   * ConfigBinder#bindWithoutSource}): the Kafka Connect sink's. Its pipeline is named {@code
   * defaultPipeline} (the connector's name) unless the file names one.
   */
  @SuppressWarnings("unchecked")
  public TidemarkConfig parseWithoutSource(String text, String origin, String defaultPipeline) {
    Object tree = tree(text, origin);
    if (tree instanceof Map<?, ?> root && !root.containsKey("pipeline")) {
      ((Map<String, Object>) root).put("pipeline", defaultPipeline);
    }
    return ConfigBinder.bindWithoutSource(tree, origin);
  }

  private Object tree(String text, String origin) {
    String substituted = substitute(text, origin);
    Object tree;
    try {
      ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
      yaml.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      tree = substituted.isBlank() ? null : yaml.readValue(substituted, Object.class);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      throw new TidemarkException(
          ErrorCode.CONFIG_INVALID,
          origin + " is not valid YAML" + where + ": " + e.getOriginalMessage());
    }
    return tree;
  }

  /** Replaces every variable; reports every missing one at once, with its line. */
  String substitute(String text, String origin) {
    List<String> missing = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int comment = commentStart(line);
      Matcher m = VARIABLE.matcher(line);
      StringBuilder replaced = new StringBuilder();
      while (m.find()) {
        if (comment >= 0 && m.start() > comment) {
          break;
        }
        String value = environment.apply(m.group(1));
        if (value == null) {
          value = m.group(2);
        }
        if (value == null) {
          missing.add("line " + (i + 1) + ": ${" + m.group(1) + "}");
          value = "";
        }
        m.appendReplacement(replaced, Matcher.quoteReplacement(value));
      }
      m.appendTail(replaced);
      out.append(replaced);
      if (i < lines.length - 1) {
        out.append('\n');
      }
    }
    if (!missing.isEmpty()) {
      throw new TidemarkException(
          ErrorCode.CONFIG_INVALID,
          origin
              + " uses environment variable(s) that are not set: "
              + String.join(", ", missing)
              + ". Export them before starting Tidemark, or write ${NAME:-default} to give a"
              + " default.");
    }
    return out.toString();
  }

  /** Index of a YAML comment on the line, or -1; '#' inside quotes is not a comment. */
  private static int commentStart(String line) {
    boolean single = false;
    boolean dbl = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\'' && !dbl) {
        single = !single;
      } else if (c == '"' && !single) {
        dbl = !dbl;
      } else if (c == '#'
          && !single
          && !dbl
          && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
        return i;
      }
    }
    return -1;
  }
}
