package io.tidemark.app.bench;

import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.SplittableRandom;
import org.bson.BsonBinaryWriter;
import org.bson.RawBsonDocument;
import org.bson.io.BasicOutputBuffer;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;

/**
 * Deterministic, realistic documents of about 1 KB: an order with a nested customer and address, an
 * array of line items with sub-documents, decimals, dates, booleans and free text. Document {@code
 * (id, version)} is the same in every run and on every thread, so the benchmark's baselines and
 * Tidemark's paths write exactly the same rows.
 *
 * <p>Documents are written straight to BSON bytes, as a driver hands them over, so that the cost of
 * the source is small and known (the benchmark prints it). Stateless and thread-safe.
 */
public final class BenchDocuments {
  /** The ObjectId timestamp of document 0 (2024-01-01); later ids only use the counter bytes. */
  private static final int EPOCH_SECONDS = 1_704_067_200;

  private static final long MILLIS_2024 = 1_704_067_200_000L;
  private static final String[] FIRST = {
    "Ana", "Bruno", "Chen", "Dara", "Emeka", "Fatima", "Gustav", "Hana", "Ivan", "Júlia", "Kenji",
    "Lena", "Mateo", "Nadia", "Omar", "Priya"
  };
  private static final String[] LAST = {
    "Silva",
    "Okafor",
    "Tanaka",
    "Müller",
    "Novak",
    "García",
    "Haddad",
    "Kowalski",
    "Nguyen",
    "Rossi",
    "Andersen",
    "Dubois"
  };
  private static final String[] CITIES = {
    "Lisbon", "Oslo", "Lyon", "Kyoto", "Austin", "Pune", "Porto", "Gdańsk", "Lagos", "Québec"
  };
  private static final String[] COUNTRIES = {"PT", "NO", "FR", "JP", "US", "IN", "PT", "PL", "NG"};
  private static final String[] STATUSES = {"placed", "paid", "packed", "shipped", "delivered"};
  private static final String[] PRODUCTS = {
    "Stoneware mug, 350 ml", "Loose-leaf green tea, 100 g", "Cast-iron teapot", "Bamboo tray",
    "Gooseneck kettle, 1 l", "Linen napkins (set of 4)", "Glass storage jar", "Espresso cups"
  };
  private static final String[] COLORS = {"slate", "sand", "moss", "rust", "ivory", "ink"};
  private static final String[] WORDS = {
    "please",
    "leave",
    "the",
    "parcel",
    "at",
    "back",
    "door",
    "gift",
    "wrap",
    "call",
    "before",
    "delivery",
    "fragile",
    "handle",
    "with",
    "care",
    "second",
    "floor",
    "ring",
    "twice"
  };
  private static final String[] CARRIERS = {"DHL", "UPS", "CTT", "PostNord", "La Poste"};

  private final long seed;

  public BenchDocuments(long seed) {
    this.seed = seed;
  }

  /** The {@code _id} of document {@code id}: ObjectIds in the same order as the ids. */
  public static ObjectId objectId(long id) {
    ByteBuffer bytes = ByteBuffer.allocate(12);
    bytes.putInt(EPOCH_SECONDS + (int) (id >>> 24));
    bytes.putInt(0x7A1D_E3A2); // fixed "machine" bytes: every id sorts by its number
    bytes.put((byte) 0x5E);
    bytes.put((byte) (id >>> 16)).put((byte) (id >>> 8)).put((byte) id);
    return new ObjectId(bytes.array());
  }

  /** The inverse of {@link #objectId(long)}, from the 24 hex digits Tidemark stores as key. */
  public static long idOf(String objectIdHex) {
    ObjectId oid = new ObjectId(objectIdHex);
    ByteBuffer bytes = ByteBuffer.wrap(oid.toByteArray());
    long high = bytes.getInt(0) - EPOCH_SECONDS;
    long low =
        ((bytes.get(9) & 0xFFL) << 16) | ((bytes.get(10) & 0xFFL) << 8) | (bytes.get(11) & 0xFFL);
    return (high << 24) | low;
  }

  /**
   * Document {@code id} in its {@code version}-th state (0 = as inserted). Later versions change
   * status, quantities, totals and the update time, as an order's life does.
   */
  public RawBsonDocument document(long id, int version) {
    SplittableRandom shape = new SplittableRandom(mix(seed, id));
    SplittableRandom change =
        new SplittableRandom(mix(seed ^ 0x9E37_79B9_7F4A_7C15L, id * 31 + version));
    BasicOutputBuffer buffer = new BasicOutputBuffer(1280);
    try (BsonBinaryWriter w = new BsonBinaryWriter(buffer)) {
      w.writeStartDocument();
      w.writeObjectId("_id", objectId(id));
      w.writeString("orderNo", "ORD-" + (2024 + id % 3) + "-" + pad(id, 9));
      w.writeString("status", STATUSES[Math.min(version, STATUSES.length - 1)]);
      w.writeInt32("version", version);
      long placed = MILLIS_2024 + shape.nextLong(31_536_000_000L);
      w.writeDateTime("placedAt", placed);
      w.writeDateTime("updatedAt", placed + version * 3_600_000L + change.nextInt(3_600_000));
      writeCustomer(w, shape);
      long cents = writeItems(w, shape, change);
      writeTotals(w, cents);
      writePayment(w, shape, placed);
      writeShipping(w, shape, placed, version);
      w.writeString("notes", words(change, 4 + change.nextInt(8)));
      w.writeStartDocument("flags");
      w.writeBoolean("gift", shape.nextInt(5) == 0);
      w.writeBoolean("priority", change.nextInt(10) == 0);
      w.writeEndDocument();
      w.writeEndDocument();
    }
    return new RawBsonDocument(buffer.toByteArray());
  }

  private static void writeCustomer(BsonBinaryWriter w, SplittableRandom r) {
    int customer = r.nextInt(50_000);
    String first = FIRST[r.nextInt(FIRST.length)];
    String last = LAST[r.nextInt(LAST.length)];
    int city = r.nextInt(CITIES.length);
    w.writeStartDocument("customer");
    w.writeString("id", "c" + pad(customer, 6));
    w.writeString("name", first + " " + last);
    w.writeString(
        "email",
        first.toLowerCase(Locale.ROOT)
            + "."
            + last.toLowerCase(Locale.ROOT)
            + customer
            + "@example.com");
    w.writeString("phone", "+351 9" + pad(r.nextInt(100_000_000), 8));
    w.writeStartDocument("address");
    w.writeString("street", (1 + r.nextInt(300)) + " Rua " + LAST[r.nextInt(LAST.length)]);
    w.writeString("city", CITIES[city]);
    w.writeString("zip", pad(r.nextInt(100_000), 5));
    w.writeString("country", COUNTRIES[city % COUNTRIES.length]);
    w.writeStartDocument("geo");
    w.writeDouble("lat", -60 + r.nextDouble() * 120);
    w.writeDouble("lon", -180 + r.nextDouble() * 360);
    w.writeEndDocument();
    w.writeEndDocument();
    w.writeString("tier", r.nextInt(4) == 0 ? "gold" : "standard");
    w.writeBoolean("marketingOptIn", r.nextBoolean());
    w.writeEndDocument();
  }

  /** Writes 1 to 4 line items; returns the subtotal in cents. */
  private static long writeItems(
      BsonBinaryWriter w, SplittableRandom shape, SplittableRandom change) {
    int n = 1 + shape.nextInt(4);
    long subtotal = 0;
    w.writeStartArray("items");
    for (int i = 0; i < n; i++) {
      int product = shape.nextInt(PRODUCTS.length);
      int qty = 1 + change.nextInt(4);
      long price = 299 + shape.nextInt(9_700);
      subtotal += price * qty;
      w.writeStartDocument();
      w.writeString("sku", "SKU-" + pad(product * 1000 + shape.nextInt(1000), 5));
      w.writeString("name", PRODUCTS[product]);
      w.writeInt32("qty", qty);
      w.writeDecimal128("unitPrice", Decimal128.parse(cents(price)));
      w.writeStartDocument("attributes");
      w.writeString("color", COLORS[shape.nextInt(COLORS.length)]);
      w.writeString("size", shape.nextBoolean() ? "M" : "L");
      w.writeEndDocument();
      w.writeEndDocument();
    }
    w.writeEndArray();
    return subtotal;
  }

  private static void writeTotals(BsonBinaryWriter w, long subtotal) {
    long tax = subtotal * 23 / 100;
    long shipping = subtotal > 5000 ? 0 : 499;
    w.writeStartDocument("totals");
    w.writeDecimal128("subtotal", Decimal128.parse(cents(subtotal)));
    w.writeDecimal128("tax", Decimal128.parse(cents(tax)));
    w.writeDecimal128("shipping", Decimal128.parse(cents(shipping)));
    w.writeDecimal128("total", Decimal128.parse(cents(subtotal + tax + shipping)));
    w.writeString("currency", "EUR");
    w.writeEndDocument();
  }

  private static void writePayment(BsonBinaryWriter w, SplittableRandom r, long placed) {
    w.writeStartDocument("payment");
    w.writeString("method", r.nextInt(5) == 0 ? "transfer" : "card");
    w.writeString("last4", pad(r.nextInt(10_000), 4));
    w.writeDateTime("authorizedAt", placed + r.nextInt(600_000));
    w.writeBoolean("captured", r.nextBoolean());
    w.writeEndDocument();
  }

  private static void writeShipping(BsonBinaryWriter w, SplittableRandom r, long placed, int v) {
    w.writeStartDocument("shipping");
    w.writeString("carrier", CARRIERS[r.nextInt(CARRIERS.length)]);
    w.writeString(
        "trackingNo", Long.toString(r.nextLong(1L << 40, 1L << 41), 36).toUpperCase(Locale.ROOT));
    w.writeDateTime("estimatedDelivery", placed + (2 + r.nextInt(6)) * 86_400_000L);
    w.writeBoolean("delivered", v >= STATUSES.length - 1);
    w.writeEndDocument();
  }

  private static String words(SplittableRandom r, int n) {
    StringBuilder s = new StringBuilder(n * 7);
    for (int i = 0; i < n; i++) {
      s.append(i == 0 ? "" : " ").append(WORDS[r.nextInt(WORDS.length)]);
    }
    return s.toString();
  }

  private static String cents(long cents) {
    return cents / 100 + "." + pad(cents % 100, 2);
  }

  private static String pad(long value, int width) {
    String digits = Long.toString(value);
    return digits.length() >= width ? digits : "0".repeat(width - digits.length()) + digits;
  }

  /** A well-spread 64-bit hash of two numbers (SplitMix64's finaliser). */
  static long mix(long a, long b) {
    long z = a * 0x9E37_79B9_7F4A_7C15L + b;
    z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
    return z ^ (z >>> 31);
  }
}
