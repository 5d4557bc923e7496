package io.tidemark.harness.standin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Aggregates;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.MinKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The stand-in's {@code $type}: it refuses what MongoDB refuses, with MongoDB's code and text
 * ({@code src/mongo/db/matcher/matcher_type_set.cpp}), and valid codes of types it cannot store
 * match nothing, as on MongoDB for a collection without such values.
 */
class StandInTypeCodesTest {

  private static StandInMongo standIn;
  private static MongoClient client;
  private static MongoCollection<Document> items;

  @BeforeAll
  static void start() {
    standIn = StandInMongo.start();
    client = MongoClients.create(standIn.connectionString());
    items = client.getDatabase("types").getCollection("items");
    items.insertMany(
        List.of(
            new Document("_id", new MinKey()),
            new Document("_id", 1),
            new Document("_id", "one"),
            new Document("_id", 2.5)));
  }

  @AfterAll
  static void stop() {
    client.close();
    standIn.close();
  }

  private static List<Object> ids(Bson filter) {
    return items.find(filter).into(new ArrayList<>()).stream().map(d -> d.get("_id")).toList();
  }

  private static Document typeIs(Object types) {
    return new Document("_id", new Document("$type", types));
  }

  private static void assertRefused(Object types, int code, String message) {
    assertThatThrownBy(() -> ids(typeIs(types)))
        .as("$type %s", types)
        .isInstanceOfSatisfying(
            MongoCommandException.class,
            e -> {
              assertThat(e.getErrorCode()).isEqualTo(code);
              assertThat(e.getErrorMessage()).isEqualTo(message);
            });
  }

  @Test
  void invalidTypeCodesAreRefusedAsMongoDbRefusesThem() {
    assertRefused(255, 2, "Invalid numerical type code: 255");
    assertRefused(List.of(2, 255), 2, "Invalid numerical type code: 255");
    assertRefused(20, 2, "Invalid numerical type code: 20");
    assertRefused(1.5, 2, "Invalid numerical type code: 1.5");
    assertRefused(0, 2, "Invalid numerical type code: 0. Instead use {$exists:false}.");
    assertRefused("minkey", 2, "Unknown type name alias: minkey");
    assertRefused(
        "missing",
        2,
        "'missing' is not a legal type name. To query for non-existence of a field, use"
            + " {$exists:false}.");
    assertRefused(true, 14, "type must be represented as a number or a string");
  }

  @Test
  void minKeyIsMinusOneAndAliasesWork() {
    assertThat(ids(typeIs(-1))).containsExactly(new MinKey());
    assertThat(ids(typeIs("minKey"))).containsExactly(new MinKey());
    assertThat(ids(typeIs("number"))).containsExactlyInAnyOrder(1, 2.5);
    assertThat(ids(typeIs(List.of(16, "string")))).containsExactlyInAnyOrder(1, "one");
  }

  @Test
  void validCodesOfTypesTheStandInCannotStoreMatchNothing() {
    assertThat(ids(typeIs(List.of(6, 12, 13, 14, 15, 2)))).containsExactly("one");
    assertThat(ids(typeIs(14))).isEmpty();
    assertThat(ids(typeIs("javascriptWithScope"))).isEmpty();
  }

  @Test
  void everyQueryFilterIsChecked() {
    assertThatThrownBy(() -> items.countDocuments(typeIs(255)))
        .isInstanceOf(MongoCommandException.class)
        .hasMessageContaining("Invalid numerical type code: 255");
    assertThatThrownBy(
            () -> items.aggregate(List.of(Aggregates.match(typeIs(255)))).into(new ArrayList<>()))
        .isInstanceOf(MongoCommandException.class)
        .hasMessageContaining("Invalid numerical type code: 255");
    assertThatThrownBy(() -> items.deleteMany(typeIs(255)))
        .hasMessageContaining("Invalid numerical type code: 255");
    assertThat(items.countDocuments()).isEqualTo(4);
  }
}
