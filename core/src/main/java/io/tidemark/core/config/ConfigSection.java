package io.tidemark.core.config;

import io.tidemark.core.error.Suggestions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A YAML mapping being bound, with its path for messages. Reads only declared keys and reports, at
 * the end, every key it was not asked for.
 */
final class ConfigSection {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");
  private static final Pattern BYTES =
      Pattern.compile("(\\d+)\\s*(B|KB|MB|GB)?", Pattern.CASE_INSENSITIVE);

  private final String path;
  private final Map<String, Object> values;
  private final ConfigProblems problems;
  private final String sectionPattern;

  ConfigSection(String path, String sectionPattern, Object node, ConfigProblems problems) {
    this.path = path;
    this.sectionPattern = sectionPattern;
    this.problems = problems;
    this.values = new LinkedHashMap<>();
    if (node instanceof Map<?, ?> map) {
      map.forEach((k, v) -> values.put(String.valueOf(k), v));
    } else if (node != null) {
      problems.add(path, "expected a mapping of keys, found " + describe(node));
    }
  }

  String path() {
    return path;
  }

  private String keyPath(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  private Object raw(ConfigKey key) {
    Object value = values.get(key.name());
    if (value == null && key.required()) {
      problems.add(keyPath(key.name()), "is required: " + key.description());
    }
    return value;
  }

  String string(ConfigKey key) {
    Object value = raw(key);
    if (value == null) {
      return key.required() ? null : key.defaultValue();
    }
    if (value instanceof Map || value instanceof List) {
      problems.add(keyPath(key.name()), "expected a " + key.type() + ", found " + describe(value));
      return null;
    }
    return String.valueOf(value);
  }

  /** A list of strings; empty when the key is absent. */
  List<String> stringList(ConfigKey key) {
    Object value = raw(key);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> items)
        || items.stream().anyMatch(i -> i == null || i instanceof Map || i instanceof List)) {
      problems.add(keyPath(key.name()), "expected a " + key.type() + ", found " + describe(value));
      return List.of();
    }
    return items.stream().map(String::valueOf).toList();
  }

  /** The key's value when given, else null (for keys whose default depends on other keys). */
  String stringOrNull(ConfigKey key) {
    Object value = values.get(key.name());
    return value == null ? null : string(key);
  }

  int positiveInt(ConfigKey key) {
    return parse(
        key,
        text -> {
          int n = Integer.parseInt(text.trim());
          if (n <= 0) {
            throw new IllegalArgumentException("must be at least 1");
          }
          return n;
        },
        1);
  }

  /** An integer of at least {@code min}. */
  int intAtLeast(ConfigKey key, int min) {
    return parse(
        key,
        text -> {
          int n = Integer.parseInt(text.trim());
          if (n < min) {
            throw new IllegalArgumentException("must be at least " + min);
          }
          return n;
        },
        min);
  }

  double positiveNumber(ConfigKey key) {
    return parse(
        key,
        text -> {
          double d = Double.parseDouble(text.trim());
          if (!(d > 0)) {
            throw new IllegalArgumentException("must be greater than 0");
          }
          return d;
        },
        1.0);
  }

  Duration duration(ConfigKey key) {
    return parse(key, ConfigSection::parseDuration, Duration.ofSeconds(1));
  }

  /**
   * A duration of whole seconds from {@code min} to {@code max}, for a setting that a driver takes
   * in seconds: rounding it silently would change what the user wrote.
   */
  Duration wholeSeconds(ConfigKey key, Duration min, Duration max) {
    return parse(
        key,
        text -> {
          Duration d = parseDuration(text);
          if (d.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("must be whole seconds, e.g. 30s or 2m");
          }
          if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new IllegalArgumentException(
                "must be from " + written(min) + " to " + written(max));
          }
          return d;
        },
        min);
  }

  /** A duration as a user writes it: {@code 5s}, {@code 2m}, {@code 24h}. */
  private static String written(Duration d) {
    if (d.toSeconds() % 3600 == 0) {
      return d.toHours() + "h";
    }
    return d.toSeconds() % 60 == 0 ? d.toMinutes() + "m" : d.toSeconds() + "s";
  }

  long bytes(ConfigKey key) {
    return parse(key, ConfigSection::parseBytes, 1L);
  }

  private <T> T parse(ConfigKey key, Function<String, T> parser, T fallback) {
    String text = string(key);
    if (text == null) {
      return fallback;
    }
    try {
      return parser.apply(text);
    } catch (ArithmeticException e) {
      problems.add(keyPath(key.name()), "'" + text + "' is too large for a " + key.type());
      return fallback;
    } catch (IllegalArgumentException e) {
      String why = e instanceof NumberFormatException ? "not a number" : e.getMessage();
      problems.add(
          keyPath(key.name()), "'" + text + "' is not a valid " + key.type() + " (" + why + ")");
      return fallback;
    }
  }

  static Duration parseDuration(String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("write it like 500ms, 5s, 2m or 1h");
    }
    long n = Long.parseLong(m.group(1));
    // Duration.ofHours and friends throw ArithmeticException on overflow: reported as too large.
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  static long parseBytes(String text) {
    Matcher m = BYTES.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("write it like 512KB, 16MB or 1GB");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
    long bytes =
        switch (unit) {
          case "KB" -> Math.multiplyExact(n, 1L << 10);
          case "MB" -> Math.multiplyExact(n, 1L << 20);
          case "GB" -> Math.multiplyExact(n, 1L << 30);
          default -> n;
        };
    if (bytes <= 0) {
      throw new IllegalArgumentException("must be greater than 0");
    }
    return bytes;
  }

  ConfigSection section(String name) {
    return new ConfigSection(keyPath(name), childPattern(name), values.get(name), problems);
  }

  List<ConfigSection> list(String name, boolean required) {
    return list(name, required, childPattern(name) + "[]");
  }

  /**
   * A list whose entries take the keys of {@code entryPattern}'s section: a recursive section
   * (children of children) or one that reuses another's keys.
   */
  List<ConfigSection> list(String name, boolean required, String entryPattern) {
    Object node = values.get(name);
    List<ConfigSection> out = new ArrayList<>();
    if (node == null) {
      if (required) {
        problems.add(keyPath(name), "is required: list at least one entry");
      }
      return out;
    }
    if (!(node instanceof List<?> items)) {
      problems.add(keyPath(name), "expected a list, found " + describe(node));
      return out;
    }
    for (int i = 0; i < items.size(); i++) {
      out.add(
          new ConfigSection(keyPath(name) + "[" + i + "]", entryPattern, items.get(i), problems));
    }
    return out;
  }

  private String childPattern(String name) {
    return sectionPattern.isEmpty() ? name : sectionPattern + "." + name;
  }

  /** Reports every key present here that is neither declared nor a known sub-section. */
  void rejectUnknownKeys(String... subsections) {
    Set<String> known =
        ConfigKeys.ALL.stream()
            .filter(k -> k.section().equals(sectionPattern))
            .map(ConfigKey::name)
            .collect(Collectors.toCollection(java.util.TreeSet::new));
    known.addAll(List.of(subsections));
    for (String present : values.keySet()) {
      if (!known.contains(present)) {
        String suggestion = Suggestions.closest(present, known);
        problems.add(
            keyPath(present),
            "unknown key"
                + (suggestion == null ? "." : "; did you mean '" + suggestion + "'?")
                + " Known keys here: "
                + String.join(", ", known));
      }
    }
  }

  boolean isAbsent(String key) {
    return values.get(key) == null;
  }

  void problem(String key, String message) {
    problems.add(keyPath(key), message);
  }

  private static String describe(Object node) {
    if (node instanceof Map) {
      return "a mapping";
    } else if (node instanceof List) {
      return "a list";
    }
    return "'" + node + "'";
  }
}
