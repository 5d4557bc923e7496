package io.tidemark.core.value;

import java.util.List;
import java.util.Objects;

/**
 * A dotted path into a document, such as {@code address.city} or {@code items.0.sku}. A numeric
 * segment addresses an array element when the value at that point is an array.
 */
public record FieldPath(List<String> segments) {
  public FieldPath {
    Objects.requireNonNull(segments, "segments");
    if (segments.isEmpty() || segments.stream().anyMatch(String::isEmpty)) {
      throw new IllegalArgumentException("a field path needs non-empty segments: " + segments);
    }
    segments = List.copyOf(segments);
  }

  public static FieldPath parse(String dotted) {
    return new FieldPath(List.of(dotted.split("\\.", -1)));
  }

  @Override
  public String toString() {
    return String.join(".", segments);
  }
}
