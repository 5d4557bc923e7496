package io.tidemark.it.support;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;

/**
 * Random nested documents from a seed: every BSON type the MongoDB stand-in carries, numbers at
 * their edges (Int32/Int64 limits, integers past 2^53, -0.0, NaN, subnormal doubles, 34-digit and
 * special decimals), dates before 1970 and after 9999, strings with quotes, backslashes, control
 * characters and characters outside the BMP, field names with spaces and non-ASCII letters, arrays
 * of mixed types, and one path at least {@link #MIN_DEPTH} documents deep in every document.
 */
public final class RandomDocuments {
  public static final int MIN_DEPTH = 4;

  /** Field names; none starts with {@code $} or holds a dot, which MongoDB treats specially. */
  public static final List<String> NAMES =
      List.of(
          "a b",
          "ünï",
          "日本語",
          "emoji 😀",
          "quote\"d",
          "back\\slash",
          "tab\tname",
          "x",
          "n1",
          "Ω",
          "long name with  spaces ",
          "nested");

  private static final String[] PIECES = {
    "a", "Z", "0", " ", "\"", "\\", "'", "/", "\n", "\t", "\r", "\u0001", "\u001f", "é", "ß", "€",
    "日", "😀", "𝄞", "\u2028", "{", "}", "[", "]", ",", ":", "NULL", "null", "$"
  };

  private final Random random;

  public RandomDocuments(long seed) {
    this.random = new Random(seed);
  }

  public Random random() {
    return random;
  }

  /** A document with this {@code _id}, a few random fields and one deep path. */
  public BsonDocument document(String id) {
    BsonDocument doc = new BsonDocument("_id", new BsonString(id));
    doc.putAll(fields(3));
    doc.put("deep", deep(MIN_DEPTH + random.nextInt(3)));
    doc.put("nested", nestedField());
    return doc;
  }

  /** Random fields with random values, nesting at most {@code depth} more levels. */
  public BsonDocument fields(int depth) {
    BsonDocument doc = new BsonDocument();
    int n = random.nextInt(6);
    for (int i = 0; i < n; i++) {
      doc.put(name(), value(depth));
    }
    return doc;
  }

  /**
   * The field the tests map by the path {@code nested.ünï}: a document with or without that field,
   * an empty document, an array or a single value, so every case of a path is met.
   */
  private BsonValue nestedField() {
    return switch (random.nextInt(6)) {
      case 0 -> new BsonDocument("ünï", value(2));
      case 1 -> fields(2).append("ünï", value(2));
      case 2 -> fields(2);
      case 3 -> new BsonDocument();
      case 4 -> array(2);
      default -> scalar();
    };
  }

  public String name() {
    return NAMES.get(random.nextInt(NAMES.size()));
  }

  private BsonDocument deep(int levels) {
    BsonDocument doc = fields(0);
    if (levels > 1) {
      BsonValue inner = deep(levels - 1);
      // Through an array now and then, so paths cross arrays too.
      doc.put("level " + levels, random.nextBoolean() ? inner : new BsonArray(List.of(inner)));
    }
    return doc;
  }

  /** Any value: a scalar, or (while depth remains) a document or an array. */
  public BsonValue value(int depth) {
    int pick = random.nextInt(depth > 0 ? 10 : 8);
    if (pick == 8) {
      return fields(depth - 1);
    }
    if (pick == 9) {
      return array(depth - 1);
    }
    return scalar();
  }

  private BsonArray array(int depth) {
    List<BsonValue> elements = new ArrayList<>();
    int n = random.nextInt(6);
    for (int i = 0; i < n; i++) {
      elements.add(value(depth));
    }
    return new BsonArray(elements);
  }

  public BsonValue scalar() {
    return switch (random.nextInt(13)) {
      case 0 -> new BsonInt32(pick(Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1, random.nextInt()));
      case 1 ->
          new BsonInt64(
              pick(Long.MIN_VALUE, Long.MAX_VALUE, (1L << 53) + 1, -(1L << 60), random.nextLong()));
      case 2 -> new BsonDouble(aDouble());
      case 3 -> new BsonDecimal128(aDecimal());
      case 4 -> new BsonString(string());
      case 5 -> BsonBoolean.valueOf(random.nextBoolean());
      case 6 -> new BsonDateTime(aDate());
      case 7 -> BsonNull.VALUE;
      case 8 -> new BsonObjectId(new ObjectId(random.nextInt(1 << 30), random.nextInt(1 << 23)));
      case 9 -> new BsonBinary(bytes());
      case 10 -> new BsonBinary(new UUID(random.nextLong(), random.nextLong()));
      case 11 -> new BsonTimestamp(random.nextInt(Integer.MAX_VALUE), random.nextInt(1000));
      default -> new BsonInt32(random.nextInt(100));
    };
  }

  private double aDouble() {
    return pick(
        0.1,
        -0.0,
        3.0,
        1e300,
        -4.9e-324,
        Double.MAX_VALUE,
        Double.NaN,
        Double.NEGATIVE_INFINITY,
        9007199254740993.0,
        random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20));
  }

  private Decimal128 aDecimal() {
    String text =
        pick(
            "1234567890123456789012345678901.234",
            "0.000",
            "-0",
            "-0.00",
            "1.23E+10",
            "1E-6143",
            "NaN",
            "-Infinity",
            new BigDecimal(random.nextLong()).movePointLeft(random.nextInt(12)).toString());
    return Decimal128.parse(text);
  }

  private long aDate() {
    return pick(
        0L,
        -1L,
        -62135596800000L, // 0001-01-01
        253402300799999L, // 9999-12-31T23:59:59.999
        253402300800000L, // year 10000
        -2208988800000L, // 1900
        1_700_000_000_100L,
        random.nextLong() % 253402300799999L);
  }

  private String string() {
    StringBuilder s = new StringBuilder();
    int n = random.nextInt(8);
    for (int i = 0; i < n; i++) {
      s.append(PIECES[random.nextInt(PIECES.length)]);
    }
    return s.toString();
  }

  private byte[] bytes() {
    byte[] b = new byte[random.nextInt(6)];
    random.nextBytes(b);
    return b;
  }

  @SafeVarargs
  private <T> T pick(T... choices) {
    return choices[random.nextInt(choices.length)];
  }
}
