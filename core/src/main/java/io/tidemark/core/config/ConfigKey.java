package io.tidemark.core.config;

/**
 * One configuration key, declared once: where it lives, its type, default and meaning. The binder
 * reads keys through these declarations, and the configuration reference is generated from them.
 *
 * @param section the YAML section path, e.g. {@code sink} or {@code collections[]}; empty for the
 *     top level
 * @param name the key within the section
 * @param type a short human type name, e.g. {@code string}, {@code duration}
 * @param defaultValue the default as written in YAML, or null when the key is required
 * @param required true when there is no default and the key must be given
 * @param description one or two sentences for the reference
 */
public record ConfigKey(
    String section,
    String name,
    String type,
    String defaultValue,
    boolean required,
    String description) {

  public static ConfigKey required(String section, String name, String type, String description) {
    return new ConfigKey(section, name, type, null, true, description);
  }

  public static ConfigKey optional(
      String section, String name, String type, String defaultValue, String description) {
    return new ConfigKey(section, name, type, defaultValue, false, description);
  }

  /** Path as written in docs, e.g. {@code sink.jdbcUrl}. */
  public String path() {
    return section.isEmpty() ? name : section + "." + name;
  }
}
