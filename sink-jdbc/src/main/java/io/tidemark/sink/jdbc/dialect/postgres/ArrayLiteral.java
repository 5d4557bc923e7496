package io.tidemark.sink.jdbc.dialect.postgres;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * PostgreSQL's array literal {@code {"a","b",NULL}}: the text input form of a one-dimensional array
 * column, written for the rows Tidemark stores ({@link PostgresValueEncoding#array}) and read back
 * when a table is compared with its collection. Stateless.
 *
 * <p>Every element is written in double quotes, so no element text (empty, {@code NULL}, with
 * commas, braces, spaces) can be mistaken for syntax; inside the quotes only {@code "} and {@code
 * \} are escaped. SQL NULL is the bare word {@code NULL}.
 */
public final class ArrayLiteral {
  private ArrayLiteral() {}

  /** The literal for the elements' text input forms; a null element is SQL NULL. */
  public static String format(List<String> elements) {
    StringBuilder out = new StringBuilder(2 + elements.size() * 8).append('{');
    for (int i = 0; i < elements.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      String e = elements.get(i);
      if (e == null) {
        out.append("NULL");
        continue;
      }
      out.append('"');
      for (int j = 0; j < e.length(); j++) {
        char c = e.charAt(j);
        if (c == '"' || c == '\\') {
          out.append('\\');
        }
        out.append(c);
      }
      out.append('"');
    }
    return out.append('}').toString();
  }

  /**
   * The elements of a one-dimensional array literal as PostgreSQL writes or reads it: quoted or
   * bare elements, backslash escapes, bare {@code NULL} (any case) as null.
   *
   * @throws IllegalArgumentException when the text is not such a literal (including a
   *     multi-dimensional one)
   */
  public static List<String> parse(String literal) {
    String text = literal.strip();
    if (text.length() < 2 || text.charAt(0) != '{' || text.charAt(text.length() - 1) != '}') {
      throw new IllegalArgumentException("not an array literal: " + literal);
    }
    String body = text.substring(1, text.length() - 1);
    if (body.isBlank()) {
      return Collections.emptyList();
    }
    List<String> elements = new ArrayList<>();
    int i = 0;
    while (true) {
      i = skipSpaces(body, i);
      StringBuilder element = new StringBuilder();
      boolean quoted = i < body.length() && body.charAt(i) == '"';
      if (quoted) {
        i = readQuoted(body, i + 1, element, literal);
      } else {
        i = readBare(body, i, element, literal);
      }
      String value = element.toString();
      elements.add(!quoted && value.equalsIgnoreCase("NULL") ? null : value);
      i = skipSpaces(body, i);
      if (i == body.length()) {
        return elements;
      }
      if (body.charAt(i) != ',') {
        throw new IllegalArgumentException("expected ',' at " + i + " in array literal " + literal);
      }
      i++;
    }
  }

  private static int readQuoted(String body, int start, StringBuilder element, String literal) {
    for (int i = start; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c == '"') {
        return i + 1;
      }
      if (c == '\\' && i + 1 < body.length()) {
        c = body.charAt(++i);
      }
      element.append(c);
    }
    throw new IllegalArgumentException("unterminated quoted element in array literal " + literal);
  }

  private static int readBare(String body, int start, StringBuilder element, String literal) {
    int i = start;
    while (i < body.length() && body.charAt(i) != ',') {
      char c = body.charAt(i);
      if (c == '{' || c == '}' || c == '"') {
        throw new IllegalArgumentException(
            "unexpected '"
                + c
                + "' in array literal (only one dimension is supported): "
                + literal);
      }
      if (c == '\\' && i + 1 < body.length()) {
        c = body.charAt(++i);
      }
      element.append(c);
      i++;
    }
    // Trailing spaces around a bare element are not part of it.
    int end = element.length();
    while (end > 0 && Character.isWhitespace(element.charAt(end - 1))) {
      end--;
    }
    element.setLength(end);
    return i;
  }

  private static int skipSpaces(String body, int i) {
    while (i < body.length() && Character.isWhitespace(body.charAt(i))) {
      i++;
    }
    return i;
  }
}
