package io.tidemark.harness.standin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The stand-in refuses what MongoDB refuses, with MongoDB's code and code name: unknown command
 * fields, unknown query operators (also with no document to match), change stream options and
 * stages, and what the version it claims lacks.
 */
class StandInStrictnessTest {

  private static StandInMongo standIn;
  private static MongoClient client;
  private static MongoDatabase shop;
  private static MongoCollection<Document> orders;

  @BeforeAll
  static void start() {
    standIn = StandInMongo.start();
    client = MongoClients.create(standIn.connectionString());
    shop = client.getDatabase("shop");
    orders = shop.getCollection("orders");
  }

  @AfterAll
  static void stop() {
    client.close();
    standIn.close();
  }

  static void assertRefused(Executable command, int code, String codeName, String text) {
    assertThatThrownBy(command::execute)
        .isInstanceOfSatisfying(
            MongoCommandException.class,
            e -> {
              assertThat(e.getErrorCode()).isEqualTo(code);
              assertThat(e.getErrorCodeName()).isEqualTo(codeName);
              assertThat(e.getErrorMessage()).contains(text);
            });
  }

  private static Document run(MongoDatabase database, String json) {
    return database.runCommand(Document.parse(json));
  }

  private static Document watch(String collection, String spec, String... stages) {
    StringBuilder pipeline = new StringBuilder("[{$changeStream: " + spec + "}");
    for (String stage : stages) {
      pipeline.append(", ").append(stage);
    }
    return run(shop, "{aggregate: " + collection + ", pipeline: " + pipeline + "], cursor: {}}");
  }

  @Test
  void anUnknownCommandFieldIsRefusedAsTheIdlParserRefusesIt() {
    assertRefused(
        () -> run(shop, "{find: 'orders', filter: {}, batchSize: 2, sorting: {_id: 1}}"),
        40415,
        "Location40415",
        "BSON field 'find.sorting' is an unknown field.");
    assertRefused(
        () -> run(shop, "{getMore: NumberLong(5), collection: 'orders', maxAwaitTimeMS: 5}"),
        40415,
        "Location40415",
        "BSON field 'getMore.maxAwaitTimeMS' is an unknown field.");
  }

  @Test
  void aFieldMongoDbKnowsButTheStandInCannotHonourIsRefusedNotIgnored() {
    assertRefused(
        () -> run(shop, "{find: 'orders', filter: {}, collation: {locale: 'fr'}}"),
        238,
        "NotImplemented",
        "'collation' in find");
    assertRefused(
        () -> run(shop, "{find: 'orders', hint: {status: 1}}"),
        238,
        "NotImplemented",
        "hints to the _id index only");
    assertThat(run(shop, "{find: 'orders', hint: {_id: 1}}").getDouble("ok")).isEqualTo(1.0);
  }

  @Test
  void anUnknownQueryOperatorIsRefusedBeforeAnyDocumentIsMatched() {
    MongoCollection<Document> empty = shop.getCollection("nothingHere");
    assertRefused(
        () -> empty.find(Document.parse("{_id: {$greaterThan: 5}}")).first(),
        2,
        "BadValue",
        "unknown operator: $greaterThan");
    assertRefused(
        () -> empty.find(Document.parse("{$orr: [{_id: 1}]}")).first(),
        2,
        "BadValue",
        "unknown top level operator: $orr");
    assertRefused(
        () -> empty.countDocuments(Document.parse("{a: {$not: {$bigger: 1}}}")),
        2,
        "BadValue",
        "unknown operator: $bigger");
    assertRefused(
        () -> empty.find(Document.parse("{a: {$bitsAllSet: 3}}")).first(),
        238,
        "NotImplemented",
        "$bitsAllSet");
  }

  @Test
  void changeStreamOptionsAreCheckedAsTheIdlChecksThem() {
    assertRefused(
        () -> watch("'orders'", "{fullDoc: 'updateLookup'}"),
        40415,
        "Location40415",
        "BSON field '$changeStream.fullDoc' is an unknown field.");
    assertRefused(
        () -> watch("'orders'", "{startAtOperationTime: 5}"),
        14,
        "TypeMismatch",
        "BSON field '$changeStream.startAtOperationTime' is the wrong type 'int', expected type"
            + " 'timestamp'");
    assertRefused(
        () -> watch("'orders'", "{fullDocument: 'everything'}"),
        2,
        "BadValue",
        "Enumeration value 'everything' for field '$changeStream.fullDocument' is not a valid");
    assertRefused(
        () -> watch("'orders'", "{fullDocumentBeforeChange: 'required'}"),
        238,
        "NotImplemented",
        "pre- and post-images");
  }

  @Test
  void changeStreamStagesAreCheckedAsThePipelineChecksThem() {
    assertRefused(
        () -> watch("'orders'", "{}", "{$frobnicate: {}}"),
        40324,
        "Location40324",
        "Unrecognized pipeline stage name: '$frobnicate'");
    assertRefused(
        () -> watch("'orders'", "{}", "{$group: {_id: null}}"),
        20,
        "IllegalOperation",
        "$group is not permitted in a $changeStream pipeline");
    assertRefused(
        () -> watch("'orders'", "{}", "{$changeStreamSplitLargeEvent: {}}", "{$match: {}}"),
        7182802,
        "Location7182802",
        "$changeStreamSplitLargeEvent must be the last stage in the pipeline");
    assertRefused(
        () -> watch("'orders'", "{}", "{$changeStreamSplitLargeEvent: {x: 1}}"),
        7182800,
        "Location7182800",
        "$changeStreamSplitLargeEvent spec should be an empty object");
    assertRefused(
        () -> watch("'orders'", "{}", "{$match: {}}", "{$changeStream: {}}"),
        40602,
        "Location40602",
        "$changeStream is only valid as the first stage in a pipeline");
    Document served =
        watch(
            "'orders'",
            "{}",
            "{$match: {operationType: 'insert'}}",
            "{$changeStreamSplitLargeEvent: {}}");
    assertThat(served.get("cursor", Document.class).get("postBatchResumeToken")).isNotNull();
  }

  @Test
  void changeStreamsOnInternalNamespacesAreRefused() {
    assertRefused(
        () ->
            run(
                client.getDatabase("local"),
                "{aggregate: 'oplog.rs', pipeline: [{$changeStream: {}}], cursor: {}}"),
        73,
        "InvalidNamespace",
        "$changeStream may not be opened on the internal local database");
    assertRefused(
        () -> watch("'system.views'", "{}"),
        73,
        "InvalidNamespace",
        "$changeStream may not be opened on the internal shop.system.views collection");
  }

  @Test
  void theClaimedVersionDecidesWhatIsThere() {
    assertThat(run(shop, "{buildInfo: 1}").getString("version")).isEqualTo("7.0.0");
    assertThat(run(client.getDatabase("admin"), "{isMaster: 1}").getInteger("maxWireVersion"))
        .isEqualTo(21);
    try (StandInMongo older =
            StandInMongo.start(StandInVersion.parse("6.0.8"), CommandObserver.NONE);
        MongoClient olderClient = MongoClients.create(older.connectionString())) {
      MongoDatabase db = olderClient.getDatabase("shop");
      assertThat(run(db, "{buildInfo: 1}").getString("version")).isEqualTo("6.0.8");
      assertRefused(
          () ->
              run(
                  db,
                  "{aggregate: 'orders', pipeline: [{$changeStream: {}},"
                      + " {$changeStreamSplitLargeEvent: {}}], cursor: {}}"),
          40324,
          "Location40324",
          "Unrecognized pipeline stage name: '$changeStreamSplitLargeEvent'");
      assertThat(
              run(
                      db,
                      "{aggregate: 'orders', pipeline: [{$changeStream: {showExpandedEvents:"
                          + " false}}], cursor: {}}")
                  .getDouble("ok"))
          .isEqualTo(1.0);
    }
    try (StandInMongo v50 =
            StandInMongo.start(StandInVersion.parse("5.0.0"), CommandObserver.NONE);
        MongoClient v50Client = MongoClients.create(v50.connectionString())) {
      assertRefused(
          () ->
              run(
                  v50Client.getDatabase("shop"),
                  "{aggregate: 'orders', pipeline: [{$changeStream: {showExpandedEvents:"
                      + " false}}], cursor: {}}"),
          40415,
          "Location40415",
          "BSON field '$changeStream.showExpandedEvents' is an unknown field.");
    }
    assertThatThrownBy(() -> StandInVersion.parse("3.6.0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("4.2 to 8.0");
  }

  @Test
  void aCommandTheInventoryHoldsIsServedWithEveryFieldTidemarkSends() {
    orders.insertOne(new Document("_id", 1));
    BsonDocument reply =
        shop.runCommand(
            Document.parse(
                "{find: 'orders', filter: {_id: {$gt: 0, $lte: 5}}, sort: {_id: 1},"
                    + " batchSize: 2000, readConcern: {level: 'majority'}}"),
            BsonDocument.class);
    assertThat(reply.getDocument("cursor").getArray("firstBatch")).hasSize(1);
    assertThat(orders.countDocuments(Document.parse("{_id: {$in: [1, 2]}}"))).isEqualTo(1);
    assertThat(shop.listCollectionNames().into(new java.util.ArrayList<>())).contains("orders");
    assertThat(List.of(orders.estimatedDocumentCount())).containsExactly(1L);
  }
}
