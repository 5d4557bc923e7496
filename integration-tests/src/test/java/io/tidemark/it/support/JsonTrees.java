package io.tidemark.it.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tidemark.sink.jdbc.read.CanonicalJson;
import java.util.List;

/**
 * JSON trees for tests that build an expected document: parse, look up and remove by path. Whether
 * two are the same is {@link CanonicalJson}'s one equivalence (keys in any order, numbers by value,
 * as {@code jsonb} keeps them).
 */
public final class JsonTrees {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

  private JsonTrees() {}

  public static JsonNode parse(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + json, e);
    }
  }

  /** True when both are the same JSON value ({@link CanonicalJson#equivalent}). */
  public static boolean same(JsonNode a, JsonNode b) {
    return CanonicalJson.equivalent(
        a == null ? null : a.toString(), b == null ? null : b.toString());
  }

  /** The node at a path of object fields, or null when a step is missing or not an object. */
  public static JsonNode at(JsonNode root, List<String> path) {
    JsonNode current = root;
    for (String segment : path) {
      if (current == null || !current.isObject()) {
        return null;
      }
      current = current.get(segment);
    }
    return current;
  }

  /**
   * A copy without the field at the path (object fields only). A sub-document that the removal
   * leaves empty is dropped too, as docs/mapping.md says of the extra column; one that was empty
   * already stays.
   */
  public static JsonNode without(JsonNode root, List<String> path) {
    JsonNode copy = root.deepCopy();
    remove(copy, path, 0);
    return copy;
  }

  /** Removes the path below {@code node}; true when that emptied {@code node}. */
  private static boolean remove(JsonNode node, List<String> path, int depth) {
    if (!(node instanceof ObjectNode object) || !object.has(path.get(depth))) {
      return false;
    }
    String name = path.get(depth);
    if (depth == path.size() - 1 || remove(object.get(name), path, depth + 1)) {
      object.remove(name);
    }
    return object.isEmpty();
  }
}
