package io.tidemark.source.mongo.convert;

import java.nio.charset.StandardCharsets;

/**
 * Which characters of a string the driver's JSON writer escapes, and how: quote, backslash and the
 * five short escapes, and {@code \}{@code uXXXX} for the other ASCII controls and for every UTF-16
 * unit whose Unicode category is a control, format, mark, separator other than space, modifier
 * letter, surrogate, private use or unassigned. {@link RelaxedJson} follows it to the character.
 * Stateless.
 */
final class DriverEscapes {
  /** How the driver writes each ASCII character inside a string: null for as it is. */
  private static final byte[][] ASCII = new byte[128][];

  static {
    for (int c = 0; c < 128; c++) {
      if (c < 0x20 || c == 0x7F) {
        ASCII[c] = String.format("\\u%04x", c).getBytes(StandardCharsets.US_ASCII);
      }
    }
    String[][] shortForms = {
      {"\"", "\\\""},
      {"\\", "\\\\"},
      {"\b", "\\b"},
      {"\f", "\\f"},
      {"\n", "\\n"},
      {"\r", "\\r"},
      {"\t", "\\t"}
    };
    for (String[] escape : shortForms) {
      ASCII[escape[0].charAt(0)] = escape[1].getBytes(StandardCharsets.US_ASCII);
    }
  }

  private DriverEscapes() {}

  /** The bytes the driver writes for an ASCII character, or null when it writes it as it is. */
  static byte[] ascii(int c) {
    return ASCII[c];
  }

  /** True for the Unicode categories the driver writes as they are; others are escaped. */
  static boolean writtenAsIs(int category) {
    return switch (category) {
      case Character.UPPERCASE_LETTER,
          Character.LOWERCASE_LETTER,
          Character.TITLECASE_LETTER,
          Character.OTHER_LETTER,
          Character.DECIMAL_DIGIT_NUMBER,
          Character.LETTER_NUMBER,
          Character.OTHER_NUMBER,
          Character.SPACE_SEPARATOR,
          Character.DASH_PUNCTUATION,
          Character.START_PUNCTUATION,
          Character.END_PUNCTUATION,
          Character.CONNECTOR_PUNCTUATION,
          Character.OTHER_PUNCTUATION,
          Character.MATH_SYMBOL,
          Character.CURRENCY_SYMBOL,
          Character.MODIFIER_SYMBOL,
          Character.OTHER_SYMBOL,
          Character.INITIAL_QUOTE_PUNCTUATION,
          Character.FINAL_QUOTE_PUNCTUATION ->
          true;
      default -> false;
    };
  }
}
