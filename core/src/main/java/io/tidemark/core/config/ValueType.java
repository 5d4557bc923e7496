package io.tidemark.core.config;

import io.tidemark.core.mapping.SqlType;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a configuration value is: its name in the reference, how the text written in YAML becomes a
 * value (checking the allowed range on the way), and how a value is written back, for defaults in
 * the reference. Declared once per kind of value; {@link ConfigKey} pairs one with a key.
 *
 * @param name the type as the reference shows it, e.g. {@code duration} or {@code fail |
 *     resnapshot}
 * @param parser turns the written text into a value; throws {@link IllegalArgumentException} with
 *     the reason (a {@link Refused} carries the whole message), or {@link ArithmeticException} when
 *     the value is too large
 * @param writer writes a value as YAML would hold it
 */
public record ValueType<T>(String name, Function<String, T> parser, Function<T, String> writer) {

  /** A refusal whose message says everything; the binder shows it as it is. */
  static final class Refused extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message);
    }
  }

  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");
  private static final Pattern BYTES =
      Pattern.compile("(\\d+)\\s*(B|KB|MB|GB)?", Pattern.CASE_INSENSITIVE);

  public static final ValueType<String> STRING = new ValueType<>("string", s -> s, s -> s);

  public static final ValueType<Integer> POSITIVE_INT = intAtLeast(1);

  public static final ValueType<Double> POSITIVE_NUMBER =
      new ValueType<>(
          "number",
          text -> {
            double d = Double.parseDouble(text.trim());
            if (!(d > 0)) {
              throw new IllegalArgumentException("must be greater than 0");
            }
            return d;
          },
          String::valueOf);

  public static final ValueType<Boolean> BOOLEAN =
      new ValueType<>(
          "true or false",
          text -> {
            String t = text.trim();
            if (t.equals("true") || t.equals("false")) {
              return Boolean.valueOf(t);
            }
            throw new IllegalArgumentException("must be true or false");
          },
          String::valueOf);

  public static final ValueType<Duration> DURATION_TYPE =
      new ValueType<>("duration", ValueType::parseDuration, ValueType::written);

  public static final ValueType<Long> BYTES_TYPE =
      new ValueType<>("bytes", ValueType::parseBytes, ValueType::writtenBytes);

  /** A YAML list of strings; the binder reads the list itself. */
  public static final ValueType<List<String>> STRING_LIST =
      new ValueType<>("list of column names", ValueType::notText, List::toString);

  /** A list of sections, read by the binder key by key; documented, never parsed as a value. */
  public static final ValueType<Void> SECTION_LIST =
      new ValueType<>("list", ValueType::notText, v -> null);

  public static final ValueType<SqlType> SQL_TYPE =
      new ValueType<>(
          "SQL type",
          text -> {
            var type = SqlType.parse(text);
            if (type.isPresent()) {
              return type.get();
            }
            String suggestion = SqlType.closest(text);
            throw new Refused(
                "unknown SQL type '"
                    + text
                    + "'"
                    + (suggestion == null ? "" : "; did you mean '" + suggestion + "'?")
                    + " Accepted: "
                    + SqlType.ACCEPTED);
          },
          SqlType::ddl);

  /** An integer of at least {@code min}. */
  public static ValueType<Integer> intAtLeast(int min) {
    return new ValueType<>(
        "integer",
        text -> {
          int n = Integer.parseInt(text.trim());
          if (n < min) {
            throw new IllegalArgumentException("must be at least " + min);
          }
          return n;
        },
        String::valueOf);
  }

  /**
   * A duration of whole seconds from {@code min} to {@code max}, for a setting that a driver takes
   * in seconds: rounding it silently would change what the user wrote.
   */
  public static ValueType<Duration> wholeSeconds(Duration min, Duration max) {
    return new ValueType<>(
        "duration",
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
        ValueType::written);
  }

  /**
   * One of an enum's constants, written as {@code names} (in the constants' order, matched without
   * regard to case), e.g. {@code none | addColumns}.
   */
  public static <E extends Enum<E>> ValueType<E> oneOf(Class<E> type, String... names) {
    E[] constants = type.getEnumConstants();
    if (names.length != constants.length) {
      throw new IllegalArgumentException(type.getSimpleName() + " has " + constants.length);
    }
    String listed = String.join(", ", names);
    return new ValueType<>(
        String.join(" | ", names),
        text -> {
          String wanted = text.trim();
          for (int i = 0; i < names.length; i++) {
            if (names[i].equalsIgnoreCase(wanted)) {
              return constants[i];
            }
          }
          throw new Refused("'" + text + "' is not one of: " + listed);
        },
        e -> names[e.ordinal()]);
  }

  /** Parses {@code text}; see {@link #parser()}. */
  T parse(String text) {
    return parser.apply(text);
  }

  /** The value as YAML holds it, e.g. {@code 2m}; null for null. */
  public String write(T value) {
    return value == null ? null : writer.apply(value);
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

  /** A duration as a user writes it: {@code 200ms}, {@code 5s}, {@code 2m}, {@code 24h}. */
  static String written(Duration d) {
    if (d.toMillis() % 1000 != 0) {
      return d.toMillis() + "ms";
    }
    if (d.toSeconds() % 3600 == 0 && !d.isZero()) {
      return d.toHours() + "h";
    }
    return d.toSeconds() % 60 == 0 && !d.isZero() ? d.toMinutes() + "m" : d.toSeconds() + "s";
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

  /** A size in the largest unit that divides it: {@code 16MB}, {@code 512KB}, {@code 100}. */
  private static String writtenBytes(long bytes) {
    String[] units = {"GB", "MB", "KB"};
    for (int i = 0; i < units.length; i++) {
      long size = 1L << (10 * (units.length - i));
      if (bytes % size == 0) {
        return bytes / size + units[i];
      }
    }
    return Long.toString(bytes);
  }

  private static <T> T notText(String text) {
    throw new IllegalStateException("a list is read by the binder, not parsed from text");
  }

  @Override
  public String toString() {
    return name;
  }
}
