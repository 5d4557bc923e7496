package io.tidemark.source.mongo.convert;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import org.bson.RawBsonDocument;
import org.bson.types.Decimal128;

/**
 * A document's relaxed Extended JSON, written straight from its BSON bytes: the same text, to the
 * character, as the driver's {@code RawBsonDocument.toJson(RELAXED)}, which spends most of a
 * document's mapping time in a synchronized {@code StringBuffer} and per-character writes (see
 * docs/performance.md, the profile of "Tidemark alone").
 *
 * <p>It writes the types documents hold in practice; for the deprecated ones (undefined, regular
 * expression, DBPointer, JavaScript code, symbol, code with scope) it answers null and the caller
 * asks the driver, so that their rare spellings stay the driver's. {@code RelaxedJsonTest} compares
 * both writers on random documents of every type. Stateless and thread-safe.
 */
final class RelaxedJson {
  /** The driver's relaxed form writes dates in these years as ISO text, others as numbers. */
  private static final long LAST_MILLI_OF_9999 = 253402300799999L;

  private static final ZoneId UTC = ZoneId.of("Z");
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /** Thrown inside a write when a type is left to the driver; carries no stack. */
  private static final class LeftToDriver extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LeftToDriver() {
      super(null, null, false, false);
    }
  }

  private static final LeftToDriver LEFT_TO_DRIVER = new LeftToDriver();

  private final byte[] bytes;
  private final StringBuilder out;

  private RelaxedJson(byte[] bytes, int length) {
    this.bytes = bytes;
    this.out = new StringBuilder(length + length / 4 + 16);
  }

  /** The document's relaxed Extended JSON, or null when it holds a type left to the driver. */
  static String of(RawBsonDocument document) {
    ByteBuffer buffer = document.getByteBuffer().asNIO();
    if (!buffer.hasArray()) {
      return null;
    }
    int start = buffer.arrayOffset() + buffer.position();
    RelaxedJson writer = new RelaxedJson(buffer.array(), buffer.remaining());
    try {
      writer.document(start, false);
    } catch (LeftToDriver e) {
      return null;
    }
    return writer.out.toString();
  }

  /** Writes the document or array at {@code at}; returns the offset after it. */
  private int document(int at, boolean array) {
    int end = at + int32(at);
    int p = at + 4;
    out.append(array ? '[' : '{');
    boolean first = true;
    while (p < end - 1) {
      byte type = bytes[p++];
      int nameEnd = cstringEnd(p);
      if (!first) {
        out.append(", ");
      }
      first = false;
      if (!array) {
        string(p, nameEnd - p);
        out.append(": ");
      }
      p = value(type, nameEnd + 1);
    }
    out.append(array ? ']' : '}');
    return end;
  }

  /** Writes the value of {@code type} at {@code at}; returns the offset after it. */
  private int value(byte type, int at) {
    switch (type) {
      case 0x01 -> {
        double d = Double.longBitsToDouble(int64(at));
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          out.append("{\"$numberDouble\": \"").append(d).append("\"}");
        } else {
          out.append(d);
        }
        return at + 8;
      }
      case 0x02 -> {
        int length = int32(at);
        string(at + 4, length - 1);
        return at + 4 + length;
      }
      case 0x03 -> {
        return document(at, false);
      }
      case 0x04 -> {
        return document(at, true);
      }
      case 0x05 -> {
        return binary(at);
      }
      case 0x07 -> {
        out.append("{\"$oid\": \"");
        for (int i = 0; i < 12; i++) {
          out.append(HEX[(bytes[at + i] >> 4) & 0xF]).append(HEX[bytes[at + i] & 0xF]);
        }
        out.append("\"}");
        return at + 12;
      }
      case 0x08 -> {
        out.append(bytes[at] != 0);
        return at + 1;
      }
      case 0x09 -> {
        date(int64(at));
        return at + 8;
      }
      case 0x0A -> {
        out.append("null");
        return at;
      }
      case 0x10 -> {
        out.append(int32(at));
        return at + 4;
      }
      case 0x11 -> {
        out.append("{\"$timestamp\": {\"t\": ")
            .append(Integer.toUnsignedLong(int32(at + 4)))
            .append(", \"i\": ")
            .append(Integer.toUnsignedLong(int32(at)))
            .append("}}");
        return at + 8;
      }
      case 0x12 -> {
        out.append(int64(at));
        return at + 8;
      }
      case 0x13 -> {
        Decimal128 decimal = Decimal128.fromIEEE754BIDEncoding(int64(at + 8), int64(at));
        out.append("{\"$numberDecimal\": \"").append(decimal).append("\"}");
        return at + 16;
      }
      case (byte) 0xFF -> {
        out.append("{\"$minKey\": 1}");
        return at;
      }
      case 0x7F -> {
        out.append("{\"$maxKey\": 1}");
        return at;
      }
      default -> throw LEFT_TO_DRIVER;
    }
  }

  private int binary(int at) {
    int length = int32(at);
    byte subtype = bytes[at + 4];
    int data = at + 5;
    int dataLength = length;
    if (subtype == 0x02) {
      // The old binary subtype repeats the length inside; the driver reads past it.
      dataLength = int32(data);
      data += 4;
    }
    byte[] copy = new byte[dataLength];
    System.arraycopy(bytes, data, copy, 0, dataLength);
    out.append("{\"$binary\": {\"base64\": \"")
        .append(Base64.getEncoder().encodeToString(copy))
        .append("\", \"subType\": \"")
        .append(Character.toUpperCase(HEX[(subtype >> 4) & 0xF]))
        .append(Character.toUpperCase(HEX[subtype & 0xF]))
        .append("\"}}");
    return at + 5 + length;
  }

  private void date(long millis) {
    if (millis < 0 || millis > LAST_MILLI_OF_9999) {
      out.append("{\"$date\": {\"$numberLong\": \"").append(millis).append("\"}}");
      return;
    }
    String text =
        ZonedDateTime.ofInstant(Instant.ofEpochMilli(millis), UTC)
            .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    out.append("{\"$date\": \"").append(text).append("\"}");
  }

  /**
   * A JSON string of {@code length} UTF-8 bytes at {@code at}, escaped as the driver escapes:
   * quote, backslash and the five short escapes, and {@code \}{@code uXXXX} for every character
   * whose Unicode category is a control, format, mark, separator other than space, modifier letter,
   * surrogate, private use or unassigned.
   */
  private void string(int at, int length) {
    out.append('"');
    int end = at + length;
    int i = at;
    while (i < end) {
      byte b = bytes[i];
      if (b < 0) {
        break; // not ASCII from here: decode the rest
      }
      char c = (char) b;
      if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7F) {
        out.append(c);
      } else {
        escaped(c);
      }
      i++;
    }
    if (i < end) {
      String rest = new String(bytes, i, end - i, StandardCharsets.UTF_8);
      for (int j = 0; j < rest.length(); j++) {
        escaped(rest.charAt(j));
      }
    }
    out.append('"');
  }

  private void escaped(char c) {
    switch (c) {
      case '"' -> out.append("\\\"");
      case '\\' -> out.append("\\\\");
      case '\b' -> out.append("\\b");
      case '\f' -> out.append("\\f");
      case '\n' -> out.append("\\n");
      case '\r' -> out.append("\\r");
      case '\t' -> out.append("\\t");
      default -> {
        if (writtenAsIs(Character.getType(c))) {
          out.append(c);
        } else {
          out.append("\\u")
              .append(HEX[(c >> 12) & 0xF])
              .append(HEX[(c >> 8) & 0xF])
              .append(HEX[(c >> 4) & 0xF])
              .append(HEX[c & 0xF]);
        }
      }
    }
  }

  /** The Unicode categories the driver writes as they are. */
  private static boolean writtenAsIs(int category) {
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

  private int cstringEnd(int at) {
    int p = at;
    while (bytes[p] != 0) {
      p++;
    }
    return p;
  }

  private int int32(int at) {
    return (bytes[at] & 0xFF)
        | (bytes[at + 1] & 0xFF) << 8
        | (bytes[at + 2] & 0xFF) << 16
        | (bytes[at + 3] & 0xFF) << 24;
  }

  private long int64(int at) {
    return (int32(at) & 0xFFFFFFFFL) | ((long) int32(at + 4)) << 32;
  }
}
