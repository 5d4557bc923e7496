package io.tidemark.core.config;

/**
 * One configuration key, declared once: where it lives, what its value is ({@link ValueType}: how
 * it is parsed and checked), its default and meaning. The binder reads keys only through these
 * declarations and takes defaults only from them; the configuration reference is generated from
 * them.
 *
 * @param section the YAML section path, e.g. {@code sink} or {@code collections[]}; empty for the
 *     top level
 * @param name the key within the section
 * @param type what the value is
 * @param defaultValue the value when the key is absent; null when it is required, has no value when
 *     absent, or its default depends on other keys
 * @param defaultText the default as the reference shows it: the default value as written in YAML,
 *     or a phrase for a default that depends on other keys; null when none
 * @param required true when there is no default and the key must be given
 * @param description one or two sentences for the reference
 */
public record ConfigKey<T>(
    String section,
    String name,
    ValueType<T> type,
    T defaultValue,
    String defaultText,
    boolean required,
    String description) {

  public static <T> ConfigKey<T> required(
      String section, String name, ValueType<T> type, String description) {
    return new ConfigKey<>(section, name, type, null, null, true, description);
  }

  /** An optional key whose default is {@code defaultValue} (null: no value when absent). */
  public static <T> ConfigKey<T> optional(
      String section, String name, ValueType<T> type, T defaultValue, String description) {
    return new ConfigKey<>(
        section, name, type, defaultValue, type.write(defaultValue), false, description);
  }

  /**
   * An optional key whose default depends on other keys (the binder works it out); {@code
   * defaultText} says how, for the reference.
   */
  public static <T> ConfigKey<T> derived(
      String section, String name, ValueType<T> type, String defaultText, String description) {
    return new ConfigKey<>(section, name, type, null, defaultText, false, description);
  }

  /** Path as written in docs, e.g. {@code sink.jdbcUrl}. */
  public String path() {
    return section.isEmpty() ? name : section + "." + name;
  }
}
