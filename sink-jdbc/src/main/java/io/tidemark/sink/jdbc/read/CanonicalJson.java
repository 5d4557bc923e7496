package io.tidemark.sink.jdbc.read;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One text per JSON value, so that two JSON texts are equal as values exactly when their canonical
 * texts are equal: object members sorted by name (a later duplicate wins, as in {@code jsonb}), no
 * whitespace, numbers by value ({@code 1}, {@code 1.0} and {@code 1E+0} are one number — {@code
 * jsonb} keeps a number's written scale, MongoDB's relaxed JSON writes doubles with {@code .0}).
 *
 * <p>The one JSON equivalence of Tidemark's checks: {@code verify} hashes the canonical text, the
 * integration tests compare with {@link #equivalent}. Thread-safe.
 */
public final class CanonicalJson {
  private static final JsonFactory FACTORY =
      JsonFactory.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();

  private CanonicalJson() {}

  /**
   * @return the canonical text, or the input prefixed with {@code !} when it is not JSON (so that
   *     it still compares equal only to the same text)
   */
  public static String of(String json) {
    try (JsonParser p = FACTORY.createParser(json)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        return "!" + json;
      }
      StringBuilder out = new StringBuilder(json.length());
      write(p, first, out);
      if (p.nextToken() != null) {
        return "!" + json;
      }
      return out.toString();
    } catch (IOException e) {
      return "!" + json;
    }
  }

  /** True when both texts are the same JSON value; null (SQL NULL) equals only null. */
  public static boolean equivalent(String a, String b) {
    if (a == null || b == null) {
      return a == b;
    }
    return of(a).equals(of(b));
  }

  private static void write(JsonParser p, JsonToken token, StringBuilder out) throws IOException {
    switch (token) {
      case START_OBJECT -> {
        Map<String, String> members = new TreeMap<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
          String name = p.currentName();
          StringBuilder value = new StringBuilder();
          write(p, p.nextToken(), value);
          members.put(name, value.toString());
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, String> m : members.entrySet()) {
          if (!first) {
            out.append(',');
          }
          first = false;
          quote(m.getKey(), out);
          out.append(':').append(m.getValue());
        }
        out.append('}');
      }
      case START_ARRAY -> {
        List<String> items = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
          StringBuilder item = new StringBuilder();
          write(p, t, item);
          items.add(item.toString());
        }
        out.append('[').append(String.join(",", items)).append(']');
      }
      case VALUE_STRING -> quote(p.getText(), out);
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> out.append(number(p.getDecimalValue()));
      case VALUE_TRUE -> out.append("true");
      case VALUE_FALSE -> out.append("false");
      case VALUE_NULL -> out.append("null");
      default -> throw new IOException("unexpected token " + token);
    }
  }

  /** The same text for every written form of a value: 1, 1.0, 1E+0, 0.10E1. */
  static String number(BigDecimal value) {
    if (value.signum() == 0) {
      return "0";
    }
    return value.stripTrailingZeros().toString();
  }

  static void quote(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    out.append('"');
  }
}
