package io.tidemark.source.mongo.convert;

/**
 * UTF-8 sequences read and written in place, so that {@link RelaxedJson} can keep BSON's string
 * bytes without decoding them. Well-formed means what Java's own decoder accepts: no overlong
 * forms, no surrogates, nothing above U+10FFFF; anything else is left to that decoder, so that a
 * bad sequence becomes the same replacement characters as in the driver's text. Stateless.
 */
final class Utf8 {
  private Utf8() {}

  /**
   * The length of the well-formed multi-byte sequence starting at {@code at} (whose first byte is
   * not ASCII) and ending before {@code end}, or 0 when it is malformed or cut short.
   */
  static int sequenceLength(byte[] bytes, int at, int end) {
    int first = bytes[at] & 0xFF;
    int length;
    int low = 0x80; // the second byte's range, narrowed for the first bytes that need it
    int high = 0xBF;
    if (first >= 0xC2 && first <= 0xDF) {
      length = 2;
    } else if (first >= 0xE0 && first <= 0xEF) {
      length = 3;
      if (first == 0xE0) {
        low = 0xA0; // else overlong
      } else if (first == 0xED) {
        high = 0x9F; // else a surrogate
      }
    } else if (first >= 0xF0 && first <= 0xF4) {
      length = 4;
      if (first == 0xF0) {
        low = 0x90; // else overlong
      } else if (first == 0xF4) {
        high = 0x8F; // else above U+10FFFF
      }
    } else {
      return 0;
    }
    if (at + length > end) {
      return 0;
    }
    int second = bytes[at + 1] & 0xFF;
    if (second < low || second > high) {
      return 0;
    }
    for (int i = 2; i < length; i++) {
      if ((bytes[at + i] & 0xC0) != 0x80) {
        return 0;
      }
    }
    return length;
  }

  /** The code point of a well-formed sequence of {@code length} bytes at {@code at}. */
  static int codePoint(byte[] bytes, int at, int length) {
    int b0 = bytes[at];
    int b1 = bytes[at + 1] & 0x3F;
    return switch (length) {
      case 2 -> (b0 & 0x1F) << 6 | b1;
      case 3 -> (b0 & 0x0F) << 12 | b1 << 6 | (bytes[at + 2] & 0x3F);
      default ->
          (b0 & 0x07) << 18 | b1 << 12 | (bytes[at + 2] & 0x3F) << 6 | (bytes[at + 3] & 0x3F);
    };
  }

  /**
   * Writes a character of the Basic Multilingual Plane, not ASCII and not a surrogate, at {@code
   * at}; returns the offset after it.
   */
  static int encode(char c, byte[] out, int at) {
    int p = at;
    if (c < 0x800) {
      out[p++] = (byte) (0xC0 | c >> 6);
    } else {
      out[p++] = (byte) (0xE0 | c >> 12);
      out[p++] = (byte) (0x80 | (c >> 6 & 0x3F));
    }
    out[p++] = (byte) (0x80 | (c & 0x3F));
    return p;
  }
}
