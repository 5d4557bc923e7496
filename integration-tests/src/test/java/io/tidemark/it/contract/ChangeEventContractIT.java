package io.tidemark.it.contract;

import static io.tidemark.it.contract.Streams.afterLastWrite;
import static io.tidemark.it.contract.Streams.now;
import static io.tidemark.it.contract.Streams.read;
import static io.tidemark.it.contract.Streams.types;
import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.MongoNamespace;
import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.changestream.FullDocument;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Claims about the change events Tidemark reads (MongoChangeCursor): which fields each kind
 * carries, which stream sees it, and what ends a stream. One test per claim, on every {@link
 * ContractTargets target}; references: {@code docs/change_stream_events.md} and {@code
 * src/mongo/db/pipeline/change_stream_filter_helpers.cpp} in {@code mongodb/mongo}, manual {@code
 * reference/change-events/*}.
 */
class ChangeEventContractIT {

  static List<ContractTarget> targets() {
    return ContractTargets.all();
  }

  private static BsonDocument ns(MongoDatabase database, String collection) {
    return BsonDocument.parse("{db: '" + database.getName() + "', coll: '" + collection + "'}");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void anInsertCarriesTheWholeDocumentItsKeyAndNamespace(ContractTarget target) {
    MongoDatabase db = target.newDatabase("insert");
    MongoCollection<Document> orders = db.getCollection("orders");
    BsonTimestamp start = now(db);
    orders.insertOne(new Document("_id", 1).append("total", 5));

    BsonDocument insert = read(orders.watch().startAtOperationTime(start), 1).get(0);

    assertThat(insert.keySet())
        .contains("_id", "operationType", "clusterTime", "wallTime", "ns", "documentKey");
    assertThat(insert.getString("operationType").getValue()).isEqualTo("insert");
    assertThat(insert.getDocument("ns")).isEqualTo(ns(db, "orders"));
    assertThat(insert.getDocument("documentKey")).isEqualTo(BsonDocument.parse("{_id: 1}"));
    assertThat(insert.getDocument("fullDocument"))
        .isEqualTo(BsonDocument.parse("{_id: 1, total: 5}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void anUpdateCarriesWhatChangedAndWithUpdateLookupTheCurrentDocument(ContractTarget target) {
    MongoDatabase db = target.newDatabase("update");
    MongoCollection<Document> orders = db.getCollection("orders");
    orders.insertOne(new Document("_id", 1).append("total", 5).append("note", "x"));
    BsonTimestamp start = afterLastWrite(db);
    orders.updateOne(
        Filters.eq("_id", 1), Updates.combine(Updates.set("total", 7), Updates.unset("note")));

    BsonDocument update =
        read(orders.watch().fullDocument(FullDocument.UPDATE_LOOKUP).startAtOperationTime(start), 1)
            .get(0);

    assertThat(update.getString("operationType").getValue()).isEqualTo("update");
    assertThat(update.getDocument("documentKey")).isEqualTo(BsonDocument.parse("{_id: 1}"));
    BsonDocument description = update.getDocument("updateDescription");
    assertThat(description.getDocument("updatedFields"))
        .isEqualTo(BsonDocument.parse("{total: 7}"));
    assertThat(description.getArray("removedFields").getValues())
        .extracting(v -> v.asString().getValue())
        .containsExactly("note");
    assertThat(update.getDocument("fullDocument"))
        .isEqualTo(BsonDocument.parse("{_id: 1, total: 7}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void aReplaceCarriesTheNewDocument(ContractTarget target) {
    MongoDatabase db = target.newDatabase("replace");
    MongoCollection<Document> orders = db.getCollection("orders");
    orders.insertOne(new Document("_id", 1).append("total", 5));
    BsonTimestamp start = afterLastWrite(db);
    orders.replaceOne(Filters.eq("_id", 1), new Document("_id", 1).append("total", 9));

    BsonDocument replace = read(orders.watch().startAtOperationTime(start), 1).get(0);

    assertThat(replace.getString("operationType").getValue()).isEqualTo("replace");
    assertThat(replace.getDocument("documentKey")).isEqualTo(BsonDocument.parse("{_id: 1}"));
    assertThat(replace.getDocument("fullDocument"))
        .isEqualTo(BsonDocument.parse("{_id: 1, total: 9}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void aDeleteCarriesOnlyTheKeyEvenWithUpdateLookup(ContractTarget target) {
    MongoDatabase db = target.newDatabase("delete");
    MongoCollection<Document> orders = db.getCollection("orders");
    orders.insertOne(new Document("_id", 1).append("total", 5));
    BsonTimestamp start = afterLastWrite(db);
    orders.deleteOne(Filters.eq("_id", 1));

    BsonDocument delete =
        read(orders.watch().fullDocument(FullDocument.UPDATE_LOOKUP).startAtOperationTime(start), 1)
            .get(0);

    assertThat(delete.getString("operationType").getValue()).isEqualTo("delete");
    assertThat(delete.getDocument("documentKey")).isEqualTo(BsonDocument.parse("{_id: 1}"));
    assertThat(delete.containsKey("fullDocument")).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void aDropEndsTheCollectionsStreamWithAnInvalidateOfItsOwn(ContractTarget target) {
    MongoDatabase db = target.newDatabase("drop");
    db.getCollection("orders").insertOne(new Document("_id", 1));
    BsonTimestamp start = afterLastWrite(db);
    db.getCollection("orders").drop();

    List<BsonDocument> events =
        read(db.getCollection("orders").watch().startAtOperationTime(start), 3);

    assertThat(types(events)).containsExactly("drop", "invalidate");
    assertThat(events.get(0).getDocument("ns")).isEqualTo(ns(db, "orders"));
    assertThat(events.get(0).containsKey("documentKey")).isFalse();
    BsonDocument invalidate = events.get(1);
    assertThat(invalidate.keySet()).doesNotContain("ns", "documentKey", "fullDocument");
    assertThat(invalidate.get("_id")).isNotEqualTo(events.get(0).get("_id"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void aRenameCarriesItsTargetAndEndsTheStreamsOnBothNames(ContractTarget target) {
    MongoDatabase db = target.newDatabase("rename");
    db.getCollection("draft").insertOne(new Document("_id", 1));
    BsonTimestamp start = afterLastWrite(db);
    db.getCollection("draft").renameCollection(new MongoNamespace(db.getName(), "final"));

    List<BsonDocument> onSource =
        read(db.getCollection("draft").watch().startAtOperationTime(start), 3);
    List<BsonDocument> onTarget =
        read(db.getCollection("final").watch().startAtOperationTime(start), 3);

    assertThat(types(onSource)).containsExactly("rename", "invalidate");
    assertThat(types(onTarget)).containsExactly("rename", "invalidate");
    assertThat(onSource.get(0).getDocument("ns")).isEqualTo(ns(db, "draft"));
    assertThat(onSource.get(0).getDocument("to")).isEqualTo(ns(db, "final"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void aDatabaseStreamSeesEveryCollectionWithItsNamespaceAndOutlivesTheirDrops(
      ContractTarget target) {
    MongoDatabase db = target.newDatabase("dbstream");
    BsonTimestamp start = now(db);
    db.getCollection("orders").insertOne(new Document("_id", 1));
    db.getCollection("people").insertOne(new Document("_id", "ann"));
    db.getCollection("orders").drop();
    db.getCollection("people").deleteOne(Filters.eq("_id", "ann"));

    List<BsonDocument> events = read(db.watch().startAtOperationTime(start), 4);

    assertThat(types(events)).containsExactly("insert", "insert", "drop", "delete");
    assertThat(events)
        .extracting(e -> e.getDocument("ns"))
        .containsExactly(ns(db, "orders"), ns(db, "people"), ns(db, "orders"), ns(db, "people"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void aDatabaseDropReportsEachCollectionThenTheDatabaseThenInvalidate(ContractTarget target) {
    MongoDatabase db = target.newDatabase("dropdb");
    db.getCollection("a").insertOne(new Document("_id", 1));
    db.getCollection("b").insertOne(new Document("_id", 1));
    BsonTimestamp start = afterLastWrite(db);
    db.drop();

    List<BsonDocument> events = read(db.watch().startAtOperationTime(start), 5);

    assertThat(types(events)).containsExactly("drop", "drop", "dropDatabase", "invalidate");
    assertThat(events.get(2).getDocument("ns"))
        .isEqualTo(BsonDocument.parse("{db: '" + db.getName() + "'}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void theEventsOfATransactionCarryItsSessionAndNumber(ContractTarget target) {
    target.assumeRealServer("multi-document transactions");
    MongoDatabase db = target.newDatabase("txn");
    MongoCollection<Document> accounts = db.getCollection("accounts");
    accounts.insertOne(new Document("_id", "a").append("balance", 10));
    BsonTimestamp start = afterLastWrite(db);
    try (ClientSession session = target.client().startSession()) {
      session.withTransaction(
          () -> {
            accounts.updateOne(session, Filters.eq("_id", "a"), Updates.inc("balance", -5));
            accounts.insertOne(session, new Document("_id", "b").append("balance", 5));
            return null;
          });
    }

    List<BsonDocument> events = read(accounts.watch().startAtOperationTime(start), 2);

    assertThat(types(events)).containsExactly("update", "insert");
    assertThat(events).allSatisfy(e -> assertThat(e.keySet()).contains("lsid", "txnNumber"));
    assertThat(events.get(0).get("lsid")).isEqualTo(events.get(1).get("lsid"));
    assertThat(events.get(0).get("txnNumber")).isEqualTo(events.get(1).get("txnNumber"));
  }
}
