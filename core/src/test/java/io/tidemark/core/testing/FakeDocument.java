package io.tidemark.core.testing;

import io.tidemark.core.event.DocumentKey;
import io.tidemark.core.event.SourceDocument;
import io.tidemark.core.value.FieldPath;
import io.tidemark.core.value.JsonText;
import io.tidemark.core.value.Value;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A source document for tests: a key and a flat map from dotted path to value. {@link #toJson()}
 * writes the paths as top-level names, which is enough for tests that only compare strings.
 */
public final class FakeDocument implements SourceDocument {
  private final DocumentKey key;
  private final Map<String, Value> fields;
  private final int size;

  private FakeDocument(String key, Map<String, Value> fields, int size) {
    this.key = new DocumentKey(key);
    this.fields = fields;
    this.size = size;
  }

  /** A document with the given key and alternating path / {@link Value} arguments. */
  public static FakeDocument of(String key, Object... pathsAndValues) {
    return sized(key, 100, pathsAndValues);
  }

  public static FakeDocument sized(String key, int size, Object... pathsAndValues) {
    if (pathsAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("paths and values come in pairs");
    }
    Map<String, Value> fields = new LinkedHashMap<>();
    for (int i = 0; i < pathsAndValues.length; i += 2) {
      fields.put((String) pathsAndValues[i], (Value) pathsAndValues[i + 1]);
    }
    return new FakeDocument(key, fields, size);
  }

  @Override
  public DocumentKey key() {
    return key;
  }

  @Override
  public Value valueAt(FieldPath path) {
    return fields.getOrDefault(path.toString(), new Value.Missing());
  }

  @Override
  public String toJson() {
    StringBuilder out = new StringBuilder("{\"_id\":").append(JsonText.quote(key.text()));
    fields.forEach(
        (k, v) -> out.append(',').append(JsonText.quote(k)).append(':').append(JsonText.of(v)));
    return out.append('}').toString();
  }

  @Override
  public String toJsonWithout(java.util.List<FieldPath> mappedFields) {
    java.util.Set<String> mapped = new java.util.HashSet<>();
    mappedFields.forEach(f -> mapped.add(f.toString()));
    StringBuilder out = new StringBuilder("{");
    fields.forEach(
        (k, v) -> {
          if (!mapped.contains(k)) {
            out.append(out.length() > 1 ? "," : "")
                .append(JsonText.quote(k))
                .append(':')
                .append(JsonText.of(v));
          }
        });
    return out.append('}').toString();
  }

  @Override
  public int sizeInBytes() {
    return size;
  }

  @Override
  public String toString() {
    return "FakeDocument" + key + fields;
  }
}
