package io.tidemark.source.mongo.convert;

import io.tidemark.core.value.Utf8Text;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Base64;
import org.bson.RawBsonDocument;
import org.bson.types.Decimal128;

/**
 * A document's relaxed Extended JSON, written straight from its BSON bytes: the same text, to the
 * character, as the driver's {@code RawBsonDocument.toJson(RELAXED)}, which spends most of a
 * document's mapping time in a synchronized {@code StringBuffer} and per-character writes (see
 * docs/performance.md, the profile of "Tidemark alone").
 *
 * <p>The text is written as UTF-8 bytes: BSON's strings are UTF-8 already, so a character the
 * driver keeps is copied as its bytes and never decoded, and the one {@code String} is made at the
 * end (a bare copy when the document is ASCII), or none: {@link #utf8Of} hands the bytes on,
 * well-formed UTF-8 whatever the input. A string that is not well-formed UTF-8 is decoded as the
 * driver decodes it (each bad sequence becomes U+FFFD) from its first bad byte on.
 *
 * <p>It writes the types documents hold in practice; for the deprecated ones (undefined, regular
 * expression, DBPointer, JavaScript code, symbol, code with scope) it answers null and the caller
 * asks the driver, so that their rare spellings stay the driver's. {@code RelaxedJsonTest} compares
 * both writers on random documents of every type. Stateless and thread-safe.
 */
final class RelaxedJson {
  /** The driver's relaxed form writes dates in these years as ISO text, others as numbers. */
  private static final long LAST_MILLI_OF_9999 = 253402300799999L;

  private static final long MILLIS_PER_DAY = 86_400_000L;
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  /** Thrown inside a write when a type is left to the driver; carries no stack. */
  private static final class LeftToDriver extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LeftToDriver() {
      super(null, null, false, false);
    }
  }

  private static final LeftToDriver LEFT_TO_DRIVER = new LeftToDriver();

  private final byte[] bytes;
  private byte[] out;
  private int size;

  private RelaxedJson(byte[] bytes, int length) {
    this.bytes = bytes;
    // Relaxed JSON of a typical document is a little longer than its BSON: room for both.
    this.out = new byte[length * 2 + 64];
  }

  /** The document's relaxed Extended JSON, or null when it holds a type left to the driver. */
  static String of(RawBsonDocument document) {
    RelaxedJson writer = written(document);
    return writer == null ? null : new String(writer.out, 0, writer.size, StandardCharsets.UTF_8);
  }

  /** {@link #of} as its UTF-8 bytes, never decoded; null when a type is left to the driver. */
  static Utf8Text utf8Of(RawBsonDocument document) {
    RelaxedJson writer = written(document);
    return writer == null ? null : Utf8Text.copyOf(writer.out, 0, writer.size);
  }

  private static RelaxedJson written(RawBsonDocument document) {
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
    return writer;
  }

  /** Writes the document or array at {@code at}; returns the offset after it. */
  private int document(int at, boolean array) {
    int end = at + int32(at);
    int p = at + 4;
    put(array ? '[' : '{');
    boolean first = true;
    while (p < end - 1) {
      byte type = bytes[p++];
      int nameEnd = cstringEnd(p);
      if (!first) {
        ascii(", ");
      }
      first = false;
      if (!array) {
        string(p, nameEnd - p);
        ascii(": ");
      }
      p = value(type, nameEnd + 1);
    }
    put(array ? ']' : '}');
    return end;
  }

  /** Writes the value of {@code type} at {@code at}; returns the offset after it. */
  private int value(byte type, int at) {
    switch (type) {
      case 0x01 -> {
        double d = Double.longBitsToDouble(int64(at));
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          ascii("{\"$numberDouble\": \"").ascii(Double.toString(d)).ascii("\"}");
        } else {
          ascii(Double.toString(d));
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
        ascii("{\"$oid\": \"");
        ensure(24);
        for (int i = 0; i < 12; i++) {
          out[size++] = HEX[(bytes[at + i] >> 4) & 0xF];
          out[size++] = HEX[bytes[at + i] & 0xF];
        }
        ascii("\"}");
        return at + 12;
      }
      case 0x08 -> {
        ascii(bytes[at] != 0 ? "true" : "false");
        return at + 1;
      }
      case 0x09 -> {
        date(int64(at));
        return at + 8;
      }
      case 0x0A -> {
        ascii("null");
        return at;
      }
      case 0x10 -> {
        number(int32(at));
        return at + 4;
      }
      case 0x11 -> {
        ascii("{\"$timestamp\": {\"t\": ").number(Integer.toUnsignedLong(int32(at + 4)));
        ascii(", \"i\": ").number(Integer.toUnsignedLong(int32(at))).ascii("}}");
        return at + 8;
      }
      case 0x12 -> {
        number(int64(at));
        return at + 8;
      }
      case 0x13 -> {
        long high = int64(at + 8);
        long low = int64(at);
        ascii("{\"$numberDecimal\": \"");
        ensure(Decimal128Text.MAX_LENGTH);
        int end = Decimal128Text.write(high, low, out, size);
        if (end >= 0) {
          size = end;
        } else {
          ascii(Decimal128.fromIEEE754BIDEncoding(high, low).toString());
        }
        ascii("\"}");
        return at + 16;
      }
      case (byte) 0xFF -> {
        ascii("{\"$minKey\": 1}");
        return at;
      }
      case 0x7F -> {
        ascii("{\"$maxKey\": 1}");
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
    byte[] base64 = Base64.getEncoder().encode(Arrays.copyOfRange(bytes, data, data + dataLength));
    ascii("{\"$binary\": {\"base64\": \"");
    ensure(base64.length);
    System.arraycopy(base64, 0, out, size, base64.length);
    size += base64.length;
    ascii("\", \"subType\": \"");
    put(Character.toUpperCase(HEX[(subtype >> 4) & 0xF]));
    put(Character.toUpperCase(HEX[subtype & 0xF]));
    ascii("\"}}");
    return at + 5 + length;
  }

  /**
   * As the driver writes a date: ISO 8601 in UTC for the years 1970 to 9999 (seconds always, the
   * milliseconds only when not zero and without trailing zeros, as {@code ISO_OFFSET_DATE_TIME}
   * prints them), the number of milliseconds otherwise.
   */
  private void date(long millis) {
    if (millis < 0 || millis > LAST_MILLI_OF_9999) {
      ascii("{\"$date\": {\"$numberLong\": \"").number(millis).ascii("\"}}");
      return;
    }
    LocalDate day = LocalDate.ofEpochDay(millis / MILLIS_PER_DAY);
    int milliOfDay = (int) (millis % MILLIS_PER_DAY);
    int seconds = milliOfDay / 1000;
    ascii("{\"$date\": \"");
    digits(day.getYear(), 4).put('-').digits(day.getMonthValue(), 2).put('-');
    digits(day.getDayOfMonth(), 2).put('T').digits(seconds / 3600, 2).put(':');
    digits(seconds / 60 % 60, 2).put(':').digits(seconds % 60, 2);
    int fraction = milliOfDay % 1000;
    if (fraction != 0) {
      int width = fraction % 100 == 0 ? 1 : fraction % 10 == 0 ? 2 : 3;
      put('.').digits(width == 1 ? fraction / 100 : width == 2 ? fraction / 10 : fraction, width);
    }
    ascii("Z\"}");
  }

  /**
   * A JSON string of {@code length} UTF-8 bytes at {@code at}, escaped as the driver escapes
   * ({@link DriverEscapes}); a character beyond the BMP is two surrogates, so two escapes.
   */
  private void string(int at, int length) {
    // Every byte can become at most six ("\u001f"; a 4-byte character becomes twelve).
    ensure(length * 6 + 2);
    out[size++] = '"';
    int end = at + length;
    int i = at;
    while (i < end) {
      int b = bytes[i];
      if (b >= 0) {
        asciiInPlace(b);
        i++;
        continue;
      }
      int sequence = Utf8.sequenceLength(bytes, i, end);
      if (sequence == 0) {
        decodedAsTheDriverDoes(i, end);
        break;
      }
      int codePoint = Utf8.codePoint(bytes, i, sequence);
      if (codePoint >= Character.MIN_SUPPLEMENTARY_CODE_POINT) {
        unicodeEscapeInPlace(Character.highSurrogate(codePoint));
        unicodeEscapeInPlace(Character.lowSurrogate(codePoint));
      } else if (DriverEscapes.writtenAsIs(Character.getType(codePoint))) {
        System.arraycopy(bytes, i, out, size, sequence);
        size += sequence;
      } else {
        unicodeEscapeInPlace((char) codePoint);
      }
      i += sequence;
    }
    out[size++] = '"';
  }

  /** The rest of a string from a malformed sequence on: the driver's decoding, then escaping. */
  private void decodedAsTheDriverDoes(int from, int end) {
    String rest = new String(bytes, from, end - from, StandardCharsets.UTF_8);
    ensure(rest.length() * 6);
    for (int j = 0; j < rest.length(); j++) {
      char c = rest.charAt(j);
      if (c < 0x80) {
        asciiInPlace(c);
      } else if (DriverEscapes.writtenAsIs(Character.getType(c))) {
        size = Utf8.encode(c, out, size);
      } else {
        unicodeEscapeInPlace(c);
      }
    }
  }

  /** An ASCII character of a string, escaped or not; the caller has ensured room for six bytes. */
  private void asciiInPlace(int c) {
    byte[] escape = DriverEscapes.ascii(c);
    if (escape == null) {
      out[size++] = (byte) c;
    } else {
      System.arraycopy(escape, 0, out, size, escape.length);
      size += escape.length;
    }
  }

  private void unicodeEscapeInPlace(char c) {
    out[size++] = '\\';
    out[size++] = 'u';
    out[size++] = HEX[(c >> 12) & 0xF];
    out[size++] = HEX[(c >> 8) & 0xF];
    out[size++] = HEX[(c >> 4) & 0xF];
    out[size++] = HEX[c & 0xF];
  }

  // ---- output: UTF-8 bytes, grown as needed ----------------------------------------------------

  private void ensure(int more) {
    if (size + more > out.length) {
      out = Arrays.copyOf(out, Math.max(out.length * 2, size + more));
    }
  }

  private RelaxedJson put(int asciiChar) {
    ensure(1);
    out[size++] = (byte) asciiChar;
    return this;
  }

  /** Text known to be ASCII (punctuation, numbers' digits, the driver's fixed words). */
  private RelaxedJson ascii(String text) {
    int n = text.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      out[size++] = (byte) text.charAt(i);
    }
    return this;
  }

  private RelaxedJson number(long value) {
    if (value == Long.MIN_VALUE) {
      return ascii(Long.toString(value)); // its magnitude has no positive long
    }
    long magnitude = Math.abs(value);
    if (value < 0) {
      put('-');
    }
    return digits(magnitude, AsciiDigits.width(magnitude));
  }

  /** The last {@code width} decimal digits of a non-negative number, zero-padded. */
  private RelaxedJson digits(long value, int width) {
    ensure(width);
    size = AsciiDigits.write(value, width, out, size);
    return this;
  }

  // ---- input: BSON's little-endian numbers and C strings ---------------------------------------

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
