package io.tidemark.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.app.Daemon;
import io.tidemark.core.pipeline.CollectionState;
import io.tidemark.it.fixture.RequiresRealMongo;
import io.tidemark.it.support.TestPipeline;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonBinarySubType;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDbPointer;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonJavaScript;
import org.bson.BsonJavaScriptWithScope;
import org.bson.BsonMaxKey;
import org.bson.BsonMinKey;
import org.bson.BsonNull;
import org.bson.BsonObjectId;
import org.bson.BsonRegularExpression;
import org.bson.BsonString;
import org.bson.BsonSymbol;
import org.bson.BsonTimestamp;
import org.bson.BsonUndefined;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

/**
 * Every BSON type the stand-in can carry, written in MongoDB and read back with JDBC from the
 * column type docs/mapping.md promises for it. The types the stand-in cannot carry — Symbol,
 * DBPointer, JavaScript with scope, Undefined — have a test of their own that runs against a real
 * MongoDB (and is skipped, saying so, without one); their conversion is also unit-tested in
 * source-mongo.
 */
class TypeMappingIT {

  /** field → (SQL type, BSON value, the text PostgreSQL returns for the column). */
  private record Case(String type, org.bson.BsonValue value, String expected) {}

  private static Map<String, Case> cases() {
    Map<String, Case> c = new LinkedHashMap<>();
    c.put(
        "oid",
        new Case(
            "text",
            new BsonObjectId(new ObjectId("65a1b2c3d4e5f60718293a4b")),
            "65a1b2c3d4e5f60718293a4b"));
    c.put("str", new Case("text", new BsonString("héllo \"wörld\""), "héllo \"wörld\""));
    c.put("i32", new Case("integer", new BsonInt32(-2147483648), "-2147483648"));
    c.put("i64", new Case("bigint", new BsonInt64(9007199254740993L), "9007199254740993"));
    c.put("dbl", new Case("double precision", new BsonDouble(0.1), "0.1"));
    c.put("dnan", new Case("double precision", new BsonDouble(Double.NaN), "NaN"));
    c.put(
        "dinf",
        new Case("double precision", new BsonDouble(Double.NEGATIVE_INFINITY), "-Infinity"));
    c.put("dnegzero", new Case("double precision", new BsonDouble(-0.0), "-0"));
    c.put(
        "dec",
        new Case(
            "numeric(12,2)",
            new BsonDecimal128(Decimal128.parse("1234567890.12")),
            "1234567890.12"));
    c.put(
        "dec34",
        new Case(
            "numeric",
            new BsonDecimal128(Decimal128.parse("1234567890123456789012345678901.234")),
            "1234567890123456789012345678901.234"));
    c.put("decnan", new Case("numeric", new BsonDecimal128(Decimal128.NaN), "NaN"));
    c.put("bool", new Case("boolean", BsonBoolean.TRUE, "true"));
    c.put(
        "date",
        new Case(
            "timestamptz", new BsonDateTime(1_700_000_000_123L), "2023-11-14 22:13:20.123+00"));
    c.put(
        "date1900",
        new Case("timestamptz", new BsonDateTime(-2_208_988_800_000L), "1900-01-01 00:00:00+00"));
    c.put("day", new Case("date", new BsonDateTime(1_700_006_400_000L), "2023-11-15"));
    c.put(
        "ts",
        new Case(
            "jsonb",
            new BsonTimestamp(1_700_000_000, 7),
            "{\"$timestamp\": {\"i\": 7, \"t\": 1700000000}}"));
    c.put("bin", new Case("bytea", new BsonBinary(new byte[] {0, 1, (byte) 0xff}), "\\x0001ff"));
    c.put(
        "uuid",
        new Case(
            "uuid",
            new BsonBinary(UUID.fromString("3b241101-e2bb-4255-8caf-4136c566a962")),
            "3b241101-e2bb-4255-8caf-4136c566a962"));
    c.put(
        "uuidbytes",
        new Case(
            "bytea",
            new BsonBinary(BsonBinarySubType.UUID_LEGACY, new byte[16]),
            "\\x00000000000000000000000000000000"));
    c.put(
        "sub",
        new Case(
            "jsonb",
            new BsonDocument("a", new BsonInt32(1))
                .append("b", new BsonArray(List.of(new BsonString("x")))),
            "{\"a\": 1, \"b\": [\"x\"]}"));
    c.put(
        "arr",
        new Case(
            "jsonb",
            new BsonArray(List.of(new BsonInt32(1), new BsonString("two"), BsonNull.VALUE)),
            "[1, \"two\", null]"));
    c.put("nul", new Case("text", BsonNull.VALUE, null));
    c.put(
        "re",
        new Case(
            "jsonb",
            new BsonRegularExpression("^a.*", "i"),
            "{\"$regularExpression\": {\"options\": \"i\", \"pattern\": \"^a.*\"}}"));
    c.put("minkey", new Case("jsonb", new BsonMinKey(), "{\"$minKey\": 1}"));
    c.put("maxkey", new Case("jsonb", new BsonMaxKey(), "{\"$maxKey\": 1}"));
    c.put(
        "js",
        new Case(
            "jsonb",
            new BsonJavaScript("function() { return 1; }"),
            "{\"$code\": \"function() { return 1; }\"}"));
    return c;
  }

  /** The types only a real MongoDB stores: deprecated ones and JavaScript with scope. */
  private static Map<String, Case> realServerCases() {
    ObjectId id = new ObjectId("65a1b2c3d4e5f60718293a4b");
    Map<String, Case> c = new LinkedHashMap<>();
    c.put("sym", new Case("jsonb", new BsonSymbol("name"), "{\"$symbol\": \"name\"}"));
    c.put("symtext", new Case("text", new BsonSymbol("name"), "{\"$symbol\": \"name\"}"));
    c.put(
        "ptr",
        new Case(
            "jsonb",
            new BsonDbPointer("shop.orders", id),
            "{\"$dbPointer\": {\"$id\": {\"$oid\": \"65a1b2c3d4e5f60718293a4b\"}, \"$ref\":"
                + " \"shop.orders\"}}"));
    c.put(
        "jsscope",
        new Case(
            "jsonb",
            new BsonJavaScriptWithScope(
                "function() { return a; }", new BsonDocument("a", new BsonInt32(1))),
            "{\"$code\": \"function() { return a; }\", \"$scope\": {\"a\": 1}}"));
    c.put("undef", new Case("jsonb", new BsonUndefined(), "{\"$undefined\": true}"));
    c.put(
        "date10000",
        new Case(
            "jsonb",
            new BsonDateTime(253_402_300_800_000L),
            "{\"$date\": {\"$numberLong\": \"253402300800000\"}}"));
    return c;
  }

  @Test
  void everyTypeRoundTripsIntoItsPromisedColumn() throws Exception {
    roundTrip(TestPipeline.create("types"), cases());
  }

  @Test
  @RequiresRealMongo(
      "Symbol, DBPointer, JavaScript with scope and Undefined, which the stand-in cannot store")
  void typesOnlyARealServerStoresRoundTripToo() throws Exception {
    roundTrip(TestPipeline.create("oldtypes"), realServerCases());
  }

  /**
   * Writes one document with every case before the copy and one while streaming, and reads each
   * field back from its column.
   */
  private static void roundTrip(TestPipeline p, Map<String, Case> cases) throws Exception {
    BsonDocument copied = new BsonDocument("_id", new BsonString("copied"));
    BsonDocument streamed = new BsonDocument("_id", new BsonString("streamed"));
    cases.forEach(
        (field, c) -> {
          copied.append(field, c.value());
          streamed.append(field, c.value());
        });
    p.db().getCollection("typed", BsonDocument.class).insertOne(copied);

    StringBuilder columns = new StringBuilder();
    cases.forEach(
        (field, c) ->
            columns
                .append("      - { field: ")
                .append(field)
                .append(", type: '")
                .append(c.type())
                .append("' }\n"));
    columns.append("      - { field: absent, type: text }\n");
    String yaml =
        p.yaml("collections:\n  - name: typed\n    documentColumn: doc\n    columns:\n" + columns);
    try (Daemon daemon = p.startDaemon(yaml)) {
      TestPipeline.awaitState(daemon, CollectionState.STREAMING, Duration.ofSeconds(60));
      p.db().getCollection("typed", BsonDocument.class).insertOne(streamed);
      TestPipeline.await(
          () -> count(p) == 2, Duration.ofSeconds(30), () -> "rows: " + daemon.status());
    }
    for (String id : List.of("copied", "streamed")) {
      for (Map.Entry<String, Case> e : cases.entrySet()) {
        List<String> got =
            p.query("SELECT \"" + e.getKey() + "\"::text FROM typed WHERE _id = '" + id + "'");
        assertThat(got).as("%s.%s (%s)", id, e.getKey(), e.getValue().type()).hasSize(1);
        assertThat(got.get(0))
            .as("%s.%s as %s", id, e.getKey(), e.getValue().type())
            .isEqualTo(e.getValue().expected());
      }
      assertThat(p.query("SELECT absent IS NULL FROM typed WHERE _id = '" + id + "'"))
          .containsExactly("t");
    }
    p.awaitMatch("typed", "typed", Duration.ofSeconds(10));
  }

  private static long count(TestPipeline p) {
    try {
      return p.count("typed");
    } catch (java.sql.SQLException e) {
      return -1;
    }
  }
}
