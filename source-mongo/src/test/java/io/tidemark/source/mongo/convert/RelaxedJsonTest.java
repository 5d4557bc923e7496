package io.tidemark.source.mongo.convert;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.core.value.Utf8Text;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDbPointer;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonJavaScript;
import org.bson.BsonMaxKey;
import org.bson.BsonMinKey;
import org.bson.BsonNull;
import org.bson.BsonObjectId;
import org.bson.BsonRegularExpression;
import org.bson.BsonString;
import org.bson.BsonSymbol;
import org.bson.BsonTimestamp;
import org.bson.BsonUndefined;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

/**
 * The JSON written from a document's bytes is the driver's relaxed Extended JSON, to the character:
 * the two writers are compared on random documents of every BSON type, with strings drawn from
 * every kind of character the driver escapes or keeps.
 */
class RelaxedJsonTest {
  private static final int DOCUMENTS = 3000;

  /** Characters of every category the driver treats apart, surrogate pairs included. */
  private static final String[] PIECES = {
    "a",
    "Z",
    "0",
    " ",
    "\"",
    "\\",
    "/",
    "\b",
    "\f",
    "\n",
    "\r",
    "\t",
    "\u0000",
    "\u0001",
    "\u001f",
    "\u007f",
    "\u0080",
    "\u009f",
    "\u00a0",
    "é",
    "ß",
    "\u02b0",
    "\u0301",
    "\u0903",
    "\u20dd",
    "\u2028",
    "\u2029",
    "\u200b",
    "\ufeff",
    "\ue000",
    "\u0378",
    "€",
    "∑",
    "«",
    "»",
    "‐",
    "(",
    "_",
    "\u3000",
    "中",
    "\ud83d\ude00",
    "\ud83d",
    "\ude00",
    "Ⅻ",
    "½",
    "^",
    "$",
    ".",
    "{",
    "}"
  };

  private final Random random = new Random(20261204);

  @Test
  void everyDocumentReadsAsTheDriverWritesIt() {
    int writtenFromBytes = 0;
    for (int n = 0; n < DOCUMENTS; n++) {
      RawBsonDocument raw = new RawBsonDocument(document(0), new BsonDocumentCodec());
      String expected = raw.toJson(BsonValues.RELAXED);
      String fromBytes = RelaxedJson.of(raw);
      if (fromBytes != null) {
        assertThat(fromBytes).as("document %d", n).isEqualTo(expected);
        assertUtf8Of(raw, expected);
        writtenFromBytes++;
      }
      assertThat(new BsonSourceDocument(raw).toJson()).isEqualTo(expected);
      assertThat(new BsonSourceDocument(raw).toJsonCell().toString()).isEqualTo(expected);
    }
    assertThat(writtenFromBytes)
        .as("most documents avoid the deprecated types")
        .isGreaterThan(DOCUMENTS / 2);
  }

  /** UTF-8 byte sequences, well-formed and not, that a string's bytes are drawn from. */
  private static final int[][] UTF8_PIECES = {
    {'a'},
    {'"'},
    {'\\'},
    {0x09},
    {0x7F},
    {0xC3, 0xA9}, // é
    {0xC5, 0x84}, // ń, beyond Latin-1
    {0xCC, 0x81}, // a combining mark, escaped
    {0xE2, 0x82, 0xAC}, // €
    {0xE2, 0x80, 0xA8}, // line separator, escaped
    {0xEF, 0xBB, 0xBF}, // byte order mark, escaped
    {0xEE, 0x80, 0x80}, // private use, escaped
    {0xF0, 0x9F, 0x98, 0x80}, // beyond the BMP: two escaped surrogates
    {0xF4, 0x8F, 0xBF, 0xBF}, // U+10FFFF
    {0x80}, // a continuation byte alone
    {0xBF},
    {0xC0, 0xAF}, // overlong
    {0xC1, 0xBF},
    {0xE0, 0x80, 0xAF}, // overlong
    {0xED, 0xA0, 0x80}, // a surrogate
    {0xF0, 0x80, 0x80, 0xAF}, // overlong
    {0xF4, 0x90, 0x80, 0x80}, // above U+10FFFF
    {0xF5, 0x80},
    {0xFF},
    {0xE2, 0x82}, // cut short
    {0xF0, 0x9F, 0x98},
    {0xC3}
  };

  @Test
  void stringsThatAreNotWellFormedUtf8ReadAsTheDriverDecodesThem() {
    byte[] example = {(byte) 0xC5, (byte) 0x84, (byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80};
    assertThat(RelaxedJson.of(withStringBytes(example)))
        .as("kept, then beyond the BMP as two escaped surrogates")
        .isEqualTo("{\"s\": \"\u0144\\ud83d\\ude00\"}");
    byte[] bad = {'a', (byte) 0xE2, (byte) 0x82, 'b', (byte) 0x80};
    assertThat(RelaxedJson.of(withStringBytes(bad)))
        .as("each bad sequence one replacement character")
        .isEqualTo("{\"s\": \"a\ufffdb\ufffd\"}");
    for (int n = 0; n < DOCUMENTS; n++) {
      java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
      int pieces = random.nextInt(12);
      for (int i = 0; i < pieces; i++) {
        for (int b : UTF8_PIECES[random.nextInt(UTF8_PIECES.length)]) {
          text.write(b);
        }
      }
      RawBsonDocument raw = withStringBytes(text.toByteArray());
      String expected = raw.toJson(BsonValues.RELAXED);
      assertThat(RelaxedJson.of(raw))
          .as("bytes %s", java.util.HexFormat.of().formatHex(text.toByteArray()))
          .isEqualTo(expected);
      assertUtf8Of(raw, expected);
    }
  }

  /** The bytes handed on are the driver's text in well-formed UTF-8, byte for byte. */
  private static void assertUtf8Of(RawBsonDocument raw, String expected) {
    Utf8Text utf8 = RelaxedJson.utf8Of(raw);
    byte[] bytes = new byte[utf8.byteLength()];
    utf8.copyBytes(0, bytes.length, bytes, 0);
    assertThat(bytes).isEqualTo(expected.getBytes(StandardCharsets.UTF_8));
    assertThat(utf8.toString()).isEqualTo(expected);
  }

  /** A document {@code {"s": <string of these bytes>}}, written by hand: no encoder checks them. */
  private static RawBsonDocument withStringBytes(byte[] text) {
    java.nio.ByteBuffer doc =
        java.nio.ByteBuffer.allocate(4 + 1 + 2 + 4 + text.length + 1 + 1)
            .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    doc.putInt(doc.capacity()).put((byte) 0x02).put((byte) 's').put((byte) 0);
    doc.putInt(text.length + 1).put(text).put((byte) 0).put((byte) 0);
    return new RawBsonDocument(doc.array());
  }

  @Test
  void theDeprecatedTypesAreLeftToTheDriver() {
    for (BsonValue deprecated :
        List.<BsonValue>of(
            new BsonUndefined(),
            new BsonRegularExpression("a.*", "i"),
            new BsonDbPointer("db.c", new ObjectId()),
            new BsonJavaScript("x()"),
            new BsonSymbol("s"))) {
      RawBsonDocument raw =
          new RawBsonDocument(
              new BsonDocument("_id", new BsonInt32(1)).append("v", deprecated),
              new BsonDocumentCodec());
      assertThat(RelaxedJson.of(raw)).as("%s", deprecated).isNull();
      assertThat(new BsonSourceDocument(raw).toJson()).isEqualTo(raw.toJson(BsonValues.RELAXED));
      assertThat(RelaxedJson.utf8Of(raw)).isNull();
      assertThat(new BsonSourceDocument(raw).toJsonCell())
          .isEqualTo(raw.toJson(BsonValues.RELAXED));
    }
  }

  @Test
  void anEmptyDocumentAndEmptyArray() {
    BsonDocument doc = new BsonDocument("a", new BsonArray()).append("b", new BsonDocument());
    RawBsonDocument raw = new RawBsonDocument(doc, new BsonDocumentCodec());
    assertThat(RelaxedJson.of(raw)).isEqualTo("{\"a\": [], \"b\": {}}");
    assertThat(RelaxedJson.of(new RawBsonDocument(new BsonDocument(), new BsonDocumentCodec())))
        .isEqualTo("{}");
  }

  private BsonDocument document(int depth) {
    BsonDocument doc = new BsonDocument();
    if (depth == 0) {
      doc.put("_id", random.nextBoolean() ? new BsonObjectId(new ObjectId()) : value(3));
    }
    int fields = random.nextInt(depth == 0 ? 12 : 5);
    for (int i = 0; i < fields; i++) {
      doc.put(cstring(6) + i, value(depth));
    }
    return doc;
  }

  private BsonValue value(int depth) {
    int kind = random.nextInt(depth < 3 ? 22 : 20);
    return switch (kind) {
      case 0 -> new BsonDouble(doubleValue());
      case 1, 2 -> new BsonString(text(20));
      case 3 -> new BsonInt32(random.nextBoolean() ? random.nextInt() : random.nextInt(100) - 50);
      case 4 -> new BsonInt64(random.nextBoolean() ? random.nextLong() : random.nextInt(1000));
      case 5 -> new BsonBoolean(random.nextBoolean());
      case 6 -> new BsonNull();
      case 7 -> new BsonObjectId(new ObjectId());
      case 8 -> new BsonDateTime(dateMillis());
      case 9 -> new BsonTimestamp(random.nextInt(), random.nextInt());
      case 10 -> new BsonDecimal128(decimal());
      case 11 -> new BsonBinary(binarySubtype(), bytes());
      case 12 -> new BsonMinKey();
      case 13 -> new BsonMaxKey();
      case 14 -> random.nextInt(20) == 0 ? new BsonSymbol(text(4)) : new BsonString("");
      case 15 -> random.nextInt(20) == 0 ? new BsonUndefined() : new BsonInt32(0);
      case 16 ->
          random.nextInt(20) == 0 ? new BsonRegularExpression(cstring(4), "i") : new BsonNull();
      case 17 -> new BsonDouble(random.nextGaussian() * 1e6);
      case 18 -> new BsonDateTime(1714557600000L + random.nextInt(1000));
      case 19 -> new BsonString(text(200));
      case 20 -> document(depth + 1);
      default -> array(depth + 1);
    };
  }

  private BsonArray array(int depth) {
    List<BsonValue> values = new ArrayList<>();
    int n = random.nextInt(5);
    for (int i = 0; i < n; i++) {
      values.add(value(depth));
    }
    return new BsonArray(values);
  }

  private String text(int maxPieces) {
    StringBuilder out = new StringBuilder();
    int n = random.nextInt(maxPieces + 1);
    for (int i = 0; i < n; i++) {
      out.append(random.nextInt(3) == 0 ? PIECES[random.nextInt(PIECES.length)] : "x");
    }
    return out.toString();
  }

  /** Names and patterns are C strings in BSON: no NUL. */
  private String cstring(int maxPieces) {
    return text(maxPieces).replace("\u0000", "");
  }

  private double doubleValue() {
    double[] special = {
      Double.NaN,
      Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY,
      -0.0,
      0.0,
      1.0,
      0.1,
      1e20,
      1e-7,
      Double.MIN_VALUE,
      Double.MAX_VALUE,
      123456789.125,
      -2.5e-300
    };
    return random.nextBoolean()
        ? special[random.nextInt(special.length)]
        : Double.longBitsToDouble(random.nextLong());
  }

  private long dateMillis() {
    long[] special = {
      0,
      -1,
      253402300799999L,
      253402300800000L,
      -62135596800000L,
      1714557600000L,
      1714557600123L,
      1714557600100L,
      Long.MIN_VALUE,
      Long.MAX_VALUE
    };
    return random.nextBoolean()
        ? special[random.nextInt(special.length)]
        : (random.nextLong() % 300000000000000L);
  }

  private Decimal128 decimal() {
    String[] values = {
      "0",
      "-0",
      "1.50",
      "1E+6144",
      "-1E-6176",
      "NaN",
      "Infinity",
      "-Infinity",
      "-0.000",
      "0E+3",
      "0E-6176",
      "1E-7",
      "1E-6",
      "123E-9",
      "123E-8",
      "-12.3E+2",
      "9223372036854775807E-3",
      "9223372036854775808",
      "-9999999999999999999999999999999999E+6111",
      "0.000001",
      "12345.6789"
    };
    return switch (random.nextInt(4)) {
      case 0 -> Decimal128.parse(values[random.nextInt(values.length)]);
      case 1 -> Decimal128.parse(random.nextInt() + "." + random.nextInt(1000));
      default -> {
        // Coefficients of every width, up to beyond a long, with every kind of exponent.
        BigInteger coefficient = new BigInteger(1 + random.nextInt(112), random);
        BigDecimal value = new BigDecimal(coefficient, random.nextInt(60) - 30);
        yield new Decimal128(random.nextBoolean() ? value : value.negate());
      }
    };
  }

  private byte binarySubtype() {
    byte[] subtypes = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, (byte) 0x80, (byte) 0xFF};
    return subtypes[random.nextInt(subtypes.length)];
  }

  private byte[] bytes() {
    byte[] b = new byte[random.nextInt(40)];
    random.nextBytes(b);
    return b;
  }
}
