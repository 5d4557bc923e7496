package io.tidemark.core.config;

import io.tidemark.core.error.Suggestions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A YAML mapping being bound, with its path for messages. Reads only declared keys and reports, at
 * the end, every key it was not asked for.
 */
final class ConfigSection {
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

  private Object raw(ConfigKey<?> key) {
    Object value = values.get(key.name());
    if (value == null && key.required()) {
      problems.add(keyPath(key.name()), "is required: " + key.description());
    }
    return value;
  }

  /**
   * The key's value: parsed and checked by its {@link ValueType}, or its default when absent. A
   * value that does not parse is reported, and the default stands in for it so that binding goes on
   * to find every other problem.
   */
  <T> T value(ConfigKey<T> key) {
    Object value = raw(key);
    if (value == null) {
      return key.defaultValue();
    }
    if (value instanceof Map || value instanceof List) {
      problems.add(
          keyPath(key.name()), "expected a " + key.type().name() + ", found " + describe(value));
      return key.defaultValue();
    }
    String text = String.valueOf(value);
    try {
      return key.type().parse(text);
    } catch (ArithmeticException e) {
      problems.add(keyPath(key.name()), "'" + text + "' is too large for a " + key.type().name());
    } catch (ValueType.Refused e) {
      problems.add(keyPath(key.name()), e.getMessage());
    } catch (IllegalArgumentException e) {
      String why = e instanceof NumberFormatException ? "not a number" : e.getMessage();
      problems.add(
          keyPath(key.name()),
          "'" + text + "' is not a valid " + key.type().name() + " (" + why + ")");
    }
    return key.defaultValue();
  }

  /** The key's value when given, else null (for keys whose default depends on other keys). */
  <T> T valueOrNull(ConfigKey<T> key) {
    return values.get(key.name()) == null ? null : value(key);
  }

  /** A list of strings; empty when the key is absent. */
  List<String> stringList(ConfigKey<List<String>> key) {
    Object value = raw(key);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> items)
        || items.stream().anyMatch(i -> i == null || i instanceof Map || i instanceof List)) {
      problems.add(
          keyPath(key.name()), "expected a " + key.type().name() + ", found " + describe(value));
      return List.of();
    }
    return items.stream().map(String::valueOf).toList();
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
