package io.tidemark.it.campaign;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.tidemark.it.support.RandomDocuments;
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
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;

/**
 * The three modelled collections of the campaign, each exercising another part of the mapping:
 *
 * <ul>
 *   <li>{@code orders}: typed columns and a child table ({@code lines} → {@code order_lines}),
 *       changed by {@code $push}, {@code $pull} and positional {@code $set};
 *   <li>{@code mixed}: {@code _id}s of eight BSON types (so copy ranges cross type brackets) and
 *       random nested payloads, in the default mapping (the whole document as {@code jsonb});
 *   <li>{@code typed}: typed columns plus {@code schema.evolve: addColumns}, with fields whose type
 *       drifts from number to string and back, and new fields appearing all the time, so {@code
 *       ALTER TABLE}s keep coming while the daemon copies, streams and rebuilds.
 * </ul>
 */
final class CampaignCollections {
  private CampaignCollections() {}

  static List<ModelCollection> create(MongoDatabase db, Random random) {
    return List.of(
        new Orders(db.getCollection("orders", BsonDocument.class), new Random(random.nextLong())),
        new Mixed(db.getCollection("mixed", BsonDocument.class), new Random(random.nextLong())),
        new Typed(db.getCollection("typed", BsonDocument.class), new Random(random.nextLong())));
  }

  /** Orders with their lines in a child table. */
  static final class Orders extends ModelCollection {
    private static final List<String> STATUSES = List.of("new", "paid", "sent", "returned");

    Orders(MongoCollection<BsonDocument> collection, Random random) {
      super("orders", collection, random);
    }

    @Override
    BsonValue newId(int n) {
      return new BsonString("o-" + n);
    }

    @Override
    BsonDocument body() {
      BsonDocument body = setFields();
      if (random.nextInt(10) > 0) {
        BsonArray lines = new BsonArray();
        for (int i = random.nextInt(5); i > 0; i--) {
          lines.add(line());
        }
        body.append("lines", lines);
      }
      return body;
    }

    private BsonDocument line() {
      return new BsonDocument("sku", new BsonString("sku-" + random.nextInt(20)))
          .append("qty", new BsonInt32(random.nextInt(9)));
    }

    @Override
    BsonDocument setFields() {
      return new BsonDocument("status", new BsonString(STATUSES.get(random.nextInt(4))));
    }

    @Override
    String unsetField() {
      return random.nextBoolean() ? "status" : "lines";
    }

    @Override
    String ownOperation(BsonValue id) {
      switch (random.nextInt(3)) {
        case 0 -> {
          collection().updateOne(Filters.eq("_id", id), Updates.push("lines", line()));
          return "push " + describe(id);
        }
        case 1 -> {
          String sku = "sku-" + random.nextInt(20);
          collection()
              .updateOne(
                  Filters.eq("_id", id),
                  Updates.pull("lines", new BsonDocument("sku", new BsonString(sku))));
          return "pull " + describe(id) + " " + sku;
        }
        default -> {
          // Only where the element exists: on a document without it, MongoDB would create
          // lines as a document {"0": …}, which is no array of lines at all.
          int qty = random.nextInt(100);
          collection()
              .updateOne(
                  Filters.and(Filters.eq("_id", id), Filters.exists("lines.0")),
                  Updates.set("lines.0.qty", qty));
          return "set-positional " + describe(id) + " lines.0.qty=" + qty;
        }
      }
    }

    @Override
    String yaml(String onHistoryLost) {
      return String.join(
          "\n",
          "  - name: orders",
          "    onHistoryLost: " + onHistoryLost,
          "    documentColumn: doc",
          "    columns:",
          "      - { field: k }",
          "      - { field: counter, type: bigint }",
          "      - { field: status }",
          "    children:",
          "      - field: lines",
          "        table: order_lines",
          "        columns:",
          "          - { field: sku }",
          "          - { field: qty, type: integer }");
    }

    @Override
    String counterQuery() {
      return "SELECT k, counter::text FROM \"public\".\"orders\"";
    }
  }

  /** Documents whose {@code _id}s have eight BSON types, with random nested payloads. */
  static final class Mixed extends ModelCollection {
    private final RandomDocuments payloads;

    Mixed(MongoCollection<BsonDocument> collection, Random random) {
      super("mixed", collection, random);
      this.payloads = new RandomDocuments(random.nextLong());
    }

    @Override
    BsonValue newId(int n) {
      return switch (n % 8) {
        case 0 -> new BsonInt32(n);
        case 1 -> new BsonInt64(1_000_000_000_000L + n);
        case 2 -> new BsonDouble(n + 0.5);
        case 3 -> new BsonString("m-" + n);
        case 4 -> new BsonObjectId(new ObjectId(String.format("%024x", n + 1)));
        case 5 -> new BsonDateTime(1_600_000_000_000L + n * 1000L);
        case 6 -> new BsonBinary(new UUID(0x5eedL, n));
        default -> new BsonDocument("g", new BsonInt32(n));
      };
    }

    @Override
    BsonDocument body() {
      return new BsonDocument("note", new BsonString("note " + random.nextInt(1000)))
          .append("payload", payloads.fields(2));
    }

    @Override
    BsonDocument setFields() {
      return random.nextBoolean()
          ? new BsonDocument("payload", payloads.fields(2))
          : new BsonDocument("note", new BsonString("note " + random.nextInt(1000)));
    }

    @Override
    String unsetField() {
      return random.nextBoolean() ? "note" : "payload";
    }

    @Override
    String ownOperation(BsonValue id) {
      return null;
    }

    @Override
    String yaml(String onHistoryLost) {
      return String.join("\n", "  - name: mixed", "    onHistoryLost: " + onHistoryLost);
    }

    @Override
    String counterQuery() {
      return "SELECT doc->>'k', doc->>'counter' FROM \"public\".\"mixed\"";
    }
  }

  /**
   * Typed columns and evolved ones: {@code drift} switches between number and string every 400
   * writes, and a new field {@code f<j>} appears every 300 writes, numbers first and strings later
   * (so its evolved column is added, then widened to jsonb).
   */
  static final class Typed extends ModelCollection {
    private int writes;

    Typed(MongoCollection<BsonDocument> collection, Random random) {
      super("typed", collection, random);
    }

    @Override
    String step() {
      writes++;
      return super.step();
    }

    @Override
    BsonValue newId(int n) {
      return new BsonInt32(n);
    }

    @Override
    BsonDocument body() {
      BsonDocument body =
          new BsonDocument("label", new BsonString("label " + random.nextInt(100)))
              .append("price", price())
              .append("at", new BsonDateTime(1_700_000_000_000L + random.nextInt(1 << 30)))
              .append("flag", BsonBoolean.valueOf(random.nextBoolean()))
              .append("drift", drift());
      if (writes >= 300) {
        body.append(evolvingField(), evolvingValue());
      }
      return body;
    }

    private BsonValue price() {
      return new BsonDecimal128(Decimal128.parse(random.nextInt(100_000) / 100 + ".25"));
    }

    private BsonValue drift() {
      return (writes / 400) % 2 == 0
          ? new BsonInt32(random.nextInt(1000))
          : new BsonString("drift " + random.nextInt(1000));
    }

    private String evolvingField() {
      return "f" + writes / 300;
    }

    private BsonValue evolvingValue() {
      return writes % 300 < 150
          ? new BsonInt64(random.nextInt(1000))
          : new BsonString("v" + random.nextInt(1000));
    }

    @Override
    BsonDocument setFields() {
      BsonDocument values = new BsonDocument();
      List<Runnable> choices = new ArrayList<>();
      choices.add(() -> values.append("label", new BsonString("label " + random.nextInt(100))));
      choices.add(() -> values.append("price", price()));
      choices.add(() -> values.append("flag", BsonBoolean.valueOf(random.nextBoolean())));
      choices.add(() -> values.append("drift", drift()));
      if (writes >= 300) {
        choices.add(() -> values.append(evolvingField(), evolvingValue()));
      }
      choices.get(random.nextInt(choices.size())).run();
      return values;
    }

    @Override
    String unsetField() {
      return switch (random.nextInt(4)) {
        case 0 -> "label";
        case 1 -> "flag";
        case 2 -> "drift";
        default -> writes >= 300 ? evolvingField() : "price";
      };
    }

    @Override
    String ownOperation(BsonValue id) {
      BsonDocument values = new BsonDocument("drift", drift());
      if (writes >= 300) {
        values.append(evolvingField(), evolvingValue());
      }
      collection().updateOne(Filters.eq("_id", id), new BsonDocument("$set", values));
      return "drift " + describe(id) + " " + values.toJson();
    }

    @Override
    String yaml(String onHistoryLost) {
      return String.join(
          "\n",
          "  - name: typed",
          "    onHistoryLost: " + onHistoryLost,
          "    documentColumn: doc",
          "    schema: { evolve: addColumns }",
          "    columns:",
          "      - { field: k }",
          "      - { field: counter, type: bigint }",
          "      - { field: label }",
          "      - { field: price, type: numeric }",
          "      - { field: at, type: timestamptz }",
          "      - { field: flag, type: boolean }");
    }

    @Override
    String counterQuery() {
      return "SELECT k, counter::text FROM \"public\".\"typed\"";
    }
  }
}
