package io.tidemark.core.testing;

/**
 * A strict RFC 8259 recogniser, so tests can check that text meant for a {@code jsonb} column is
 * valid JSON without a JSON library on the test classpath.
 */
public final class JsonCheck {
  private final String s;
  private int i;

  private JsonCheck(String s) {
    this.s = s;
  }

  /** Null when {@code json} is one valid JSON value, else a description of the first problem. */
  public static String problem(String json) {
    JsonCheck p = new JsonCheck(json);
    try {
      p.ws();
      p.value();
      p.ws();
      if (p.i != json.length()) {
        throw p.error("trailing text");
      }
      return null;
    } catch (IllegalStateException e) {
      return e.getMessage();
    }
  }

  private IllegalStateException error(String what) {
    return new IllegalStateException(what + " at offset " + i + " in " + s);
  }

  private void ws() {
    while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
      i++;
    }
  }

  private char peek() {
    if (i >= s.length()) {
      throw error("unexpected end");
    }
    return s.charAt(i);
  }

  private void expect(char c) {
    if (peek() != c) {
      throw error("expected '" + c + "'");
    }
    i++;
  }

  private void literal(String word) {
    if (!s.startsWith(word, i)) {
      throw error("expected " + word);
    }
    i += word.length();
  }

  private void value() {
    char c = peek();
    switch (c) {
      case '{' -> object();
      case '[' -> array();
      case '"' -> string();
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> number();
    }
  }

  private void object() {
    expect('{');
    ws();
    if (peek() == '}') {
      i++;
      return;
    }
    while (true) {
      ws();
      string();
      ws();
      expect(':');
      ws();
      value();
      ws();
      if (peek() == ',') {
        i++;
        continue;
      }
      expect('}');
      return;
    }
  }

  private void array() {
    expect('[');
    ws();
    if (peek() == ']') {
      i++;
      return;
    }
    while (true) {
      ws();
      value();
      ws();
      if (peek() == ',') {
        i++;
        continue;
      }
      expect(']');
      return;
    }
  }

  private void string() {
    expect('"');
    while (true) {
      char c = peek();
      i++;
      if (c == '"') {
        return;
      }
      if (c < 0x20) {
        throw error("raw control character");
      }
      if (c == '\\') {
        char e = peek();
        i++;
        if ("\"\\/bfnrt".indexOf(e) >= 0) {
          continue;
        }
        if (e != 'u') {
          throw error("bad escape");
        }
        for (int k = 0; k < 4; k++) {
          if (Character.digit(peek(), 16) < 0) {
            throw error("bad \\u escape");
          }
          i++;
        }
      }
    }
  }

  private void number() {
    int start = i;
    if (peek() == '-') {
      i++;
    }
    if (peek() == '0') {
      i++;
    } else {
      digits();
    }
    if (i < s.length() && s.charAt(i) == '.') {
      i++;
      digits();
    }
    if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      if (peek() == '+' || peek() == '-') {
        i++;
      }
      digits();
    }
    if (i == start) {
      throw error("expected a value");
    }
  }

  private void digits() {
    int start = i;
    while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
    }
    if (i == start) {
      throw error("expected digits");
    }
  }
}
