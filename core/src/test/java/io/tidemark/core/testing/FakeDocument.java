package io.tidemark.core.testing;

import io.tidemark.core.event.DocumentFields;
import io.tidemark.core.event.DocumentKey;
import io.tidemark.core.event.SourceDocument;
import io.tidemark.core.value.FieldPath;
import io.tidemark.core.value.JsonText;
import io.tidemark.core.value.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A source document for tests: a key and a flat map from dotted path to value. {@link #toJson()}
 * writes the paths as top-level names, which is enough for tests that only compare strings.
 */
public final class FakeDocument implements SourceDocument, DocumentFields.ArrayElement {
  private final DocumentKey key;
  private final Map<String, Value> fields;
  private final Map<String, Elements> arrays;
  private final int size;

  private FakeDocument(
      String key, Map<String, Value> fields, Map<String, Elements> arrays, int size) {
    this.key = new DocumentKey(key);
    this.fields = fields;
    this.arrays = arrays;
    this.size = size;
  }

  /**
   * An array element for {@link #array}: a sub-document with alternating path / value arguments
   * (its key is unused).
   */
  public static FakeDocument element(Object... pathsAndValues) {
    return of("", pathsAndValues);
  }

  /**
   * An array of sub-documents (or single values, each given as a {@link Value}), to pass as a field
   * value: {@link #valueAt} sees a {@link Value.Array}, {@link #elementsAt} its elements.
   */
  public static Elements array(Object... elements) {
    List<Value> values = new ArrayList<>();
    StringBuilder json = new StringBuilder("[");
    for (Object e : elements) {
      Value v = e instanceof FakeDocument d ? d.value() : (Value) e;
      values.add(v);
      json.append(json.length() > 1 ? "," : "").append(JsonText.of(v));
    }
    return new Elements(List.of(elements), new Value.Array(values, json.append(']').toString()));
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
    Map<String, Elements> arrays = new LinkedHashMap<>();
    for (int i = 0; i < pathsAndValues.length; i += 2) {
      String path = (String) pathsAndValues[i];
      if (pathsAndValues[i + 1] instanceof Elements elements) {
        arrays.put(path, elements);
        fields.put(path, elements.value());
      } else {
        fields.put(path, (Value) pathsAndValues[i + 1]);
      }
    }
    return new FakeDocument(key, fields, arrays, size);
  }

  @Override
  public DocumentKey key() {
    return key;
  }

  @Override
  public List<String> fieldNames() {
    java.util.Set<String> names = new java.util.LinkedHashSet<>();
    names.add("_id");
    fields.keySet().forEach(path -> names.add(path.split("\\.", -1)[0]));
    return List.copyOf(names);
  }

  @Override
  public Value valueAt(FieldPath path) {
    return fields.getOrDefault(path.toString(), new Value.Missing());
  }

  @Override
  public List<? extends DocumentFields.ArrayElement> elementsAt(FieldPath path) {
    Elements array = arrays.get(path.toString());
    if (array == null) {
      return valueAt(path) instanceof Value.Array scalars
          ? scalars.elements().stream().map(ScalarElement::new).toList()
          : null;
    }
    List<DocumentFields.ArrayElement> out = new ArrayList<>();
    for (Object given : array.given()) {
      out.add(given instanceof FakeDocument d ? d : new ScalarElement((Value) given));
    }
    return out;
  }

  @Override
  public Value value() {
    return new Value.Json("Document", toJsonWithout(List.of()));
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

  /** A single value as an array element. */
  private record ScalarElement(Value value) implements DocumentFields.ArrayElement {
    @Override
    public Value valueAt(FieldPath path) {
      return new Value.Missing();
    }

    @Override
    public List<? extends DocumentFields.ArrayElement> elementsAt(FieldPath path) {
      return null;
    }
  }

  /** An array whose elements may be sub-documents; from {@link #array}, passed as a field value. */
  public record Elements(List<Object> given, Value.Array value) {}
}
