package io.tidemark.it.contract;

import static io.tidemark.it.contract.Streams.afterLastWrite;
import static io.tidemark.it.contract.Streams.code;
import static io.tidemark.it.contract.Streams.now;
import static io.tidemark.it.contract.Streams.read;
import static io.tidemark.it.contract.Streams.types;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.source.mongo.stream.MongoPositions;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Claims about positions in a change stream, on which Tidemark's checkpoints and its T0 rest: what
 * a token says and excludes, where each start option starts, the post-batch resume token while
 * idle, and the errors of a start the server cannot serve. References: {@code
 * src/mongo/db/pipeline/document_source_change_stream.cpp} ({@code assertIsLegalSpecification}),
 * {@code document_source_change_stream_check_resumability.cpp}, {@code
 * source/change-streams/change-streams.md} in {@code mongodb/specifications}.
 */
class ResumeContractIT {

  static List<ContractTarget> targets() {
    return ContractTargets.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void aTokenBeginsWithItsEventsClusterTimeAndTokensGrowWithTheStream(ContractTarget target) {
    MongoDatabase db = target.newDatabase("tokens");
    MongoCollection<Document> items = db.getCollection("items");
    BsonTimestamp start = now(db);
    items.insertOne(new Document("_id", 1));
    items.insertOne(new Document("_id", 2));

    List<BsonDocument> events = read(items.watch().startAtOperationTime(start), 2);

    for (BsonDocument event : events) {
      BsonDocument token = event.getDocument("_id");
      assertThat(MongoPositions.decodeClusterTime(token))
          .as("Tidemark's reading of token %s", token.toJson())
          .isEqualTo(MongoPositions.clusterTime(event.getTimestamp("clusterTime")));
    }
    assertThat(events.get(1).getDocument("_id").getString("_data").getValue())
        .isGreaterThan(events.get(0).getDocument("_id").getString("_data").getValue());
  }

  /** Two inserts, and their events as a stream from before them reports them. */
  private static List<BsonDocument> twoInserts(MongoDatabase db) {
    MongoCollection<Document> items = db.getCollection("items");
    BsonTimestamp start = now(db);
    items.insertOne(new Document("_id", 1));
    items.insertOne(new Document("_id", 2));
    return read(items.watch().startAtOperationTime(start), 2);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void resumeAfterATokenExcludesItsEvent(ContractTarget target) {
    MongoDatabase db = target.newDatabase("resume");
    List<BsonDocument> both = twoInserts(db);

    List<BsonDocument> after =
        read(db.getCollection("items").watch().resumeAfter(both.get(0).getDocument("_id")), 1);

    assertThat(after.get(0).getDocument("documentKey")).isEqualTo(BsonDocument.parse("{_id: 2}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void startAtOperationTimeIncludesTheEventsAtThatTime(ContractTarget target) {
    MongoDatabase db = target.newDatabase("startat");
    List<BsonDocument> both = twoInserts(db);

    List<BsonDocument> at =
        read(
            db.getCollection("items")
                .watch()
                .startAtOperationTime(both.get(1).getTimestamp("clusterTime")),
            1);

    assertThat(at.get(0).getDocument("documentKey")).isEqualTo(BsonDocument.parse("{_id: 2}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void anInvalidateTokenStartsAfterButCannotResume(ContractTarget target) {
    MongoDatabase db = target.newDatabase("invalidate");
    db.getCollection("items").insertOne(new Document("_id", 1));
    BsonTimestamp start = afterLastWrite(db);
    db.getCollection("items").drop();
    db.getCollection("items").insertOne(new Document("_id", 2));
    BsonDocument invalidate =
        read(db.getCollection("items").watch().startAtOperationTime(start), 2).get(1);
    assertThat(invalidate.getString("operationType").getValue()).isEqualTo("invalidate");
    BsonDocument token = invalidate.getDocument("_id");

    assertThatThrownBy(() -> db.getCollection("items").watch().resumeAfter(token).cursor().close())
        .satisfies(e -> assertThat(code(e)).isEqualTo(260));
    List<BsonDocument> after = read(db.getCollection("items").watch().startAfter(token), 1);
    assertThat(types(after)).containsExactly("insert");
    assertThat(after.get(0).getDocument("documentKey")).isEqualTo(BsonDocument.parse("{_id: 2}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void everyReplyCarriesAPostBatchResumeTokenThatPassesWritesElsewhere(ContractTarget target) {
    MongoDatabase db = target.newDatabase("pbrt");
    Document opened =
        db.runCommand(
            Document.parse(
                "{aggregate: 'quiet', pipeline: [{$changeStream: {}}], cursor: {batchSize: 1}}"));
    Document first = opened.get("cursor", Document.class);
    BsonDocument initial =
        BsonDocument.parse(first.get("postBatchResumeToken", Document.class).toJson());
    db.getCollection("busy").insertOne(new Document("_id", 1));
    BsonTimestamp written = now(db);
    ClusterTime reached = MongoPositions.decodeClusterTime(initial);
    for (int attempt = 0;
        attempt < 50 && reached.compareTo(MongoPositions.clusterTime(written)) < 0;
        attempt++) {
      Document more =
          db.runCommand(
              new Document("getMore", first.getLong("id"))
                  .append("collection", "quiet")
                  .append("maxTimeMS", 200));
      Document next = more.get("cursor", Document.class);
      assertThat(next.getList("nextBatch", Document.class)).isEmpty();
      assertThat(next.get("postBatchResumeToken")).as("a token on an empty getMore").isNotNull();
      reached =
          MongoPositions.decodeClusterTime(
              BsonDocument.parse(next.get("postBatchResumeToken", Document.class).toJson()));
    }

    assertThat(first.getList("firstBatch", Document.class)).isEmpty();
    assertThat(reached)
        .as("the token of an idle stream moves past a write to another collection")
        .isGreaterThanOrEqualTo(MongoPositions.clusterTime(written));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void theFirstHighWaterMarkOfANewStreamIsAtOrAfterEveryEarlierWrite(ContractTarget target) {
    MongoDatabase db = target.newDatabase("t0");
    db.getCollection("items").insertOne(new Document("_id", 1));
    BsonTimestamp written = now(db);
    Document opened =
        db.runCommand(
            Document.parse(
                "{aggregate: 'items', pipeline: [{$changeStream: {}}], cursor: {},"
                    + " readConcern: {level: 'majority'}}"));
    Document first = opened.get("cursor", Document.class);

    ClusterTime t0 =
        MongoPositions.decodeClusterTime(
            BsonDocument.parse(first.get("postBatchResumeToken", Document.class).toJson()));

    assertThat(first.getList("firstBatch", Document.class)).isEmpty();
    assertThat(t0).isGreaterThanOrEqualTo(MongoPositions.clusterTime(written));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void aStartBeforeTheOldestOplogEntryIsHistoryLost(ContractTarget target) {
    MongoDatabase db = target.newDatabase("lost");
    assertThatThrownBy(
            () ->
                db.getCollection("items")
                    .watch()
                    .startAtOperationTime(new BsonTimestamp(1, 1))
                    .cursor()
                    .close())
        .isInstanceOfSatisfying(
            MongoCommandException.class,
            e -> {
              assertThat(e.getErrorCode()).isEqualTo(286);
              assertThat(e.getErrorCodeName()).isEqualTo("ChangeStreamHistoryLost");
            });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void aTokenWhoseEventIsNotInTheStreamIsAFatalError(ContractTarget target) {
    target.assumeRealServer(
        "it does not check that a resume token's event is in the stream (ChangeStreamFatalError"
            + " 280, DocumentSourceChangeStreamEnsureResumeTokenPresent)");
    MongoDatabase db = target.newDatabase("fatal");
    BsonTimestamp start = now(db);
    db.getCollection("other").insertOne(new Document("_id", 1));
    BsonDocument foreign =
        read(db.getCollection("other").watch().startAtOperationTime(start), 1)
            .get(0)
            .getDocument("_id");
    db.getCollection("items").insertOne(new Document("_id", 1));

    assertThatThrownBy(() -> read(db.getCollection("items").watch().resumeAfter(foreign), 1))
        .satisfies(e -> assertThat(code(e)).isIn(280, 260));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void conflictingStartOptionsAreRefused(ContractTarget target) {
    MongoDatabase db = target.newDatabase("conflict");
    MongoCollection<Document> items = db.getCollection("items");
    BsonTimestamp start = now(db);
    items.insertOne(new Document("_id", 1));
    BsonDocument token =
        read(items.watch().startAtOperationTime(start), 1).get(0).getDocument("_id");

    assertThatThrownBy(() -> items.watch().resumeAfter(token).startAtOperationTime(start).cursor())
        .satisfies(e -> assertThat(code(e)).isEqualTo(40674));
    assertThatThrownBy(() -> items.watch().resumeAfter(token).startAfter(token).cursor())
        .satisfies(e -> assertThat(code(e)).isEqualTo(50865));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void theSplitStageMustBeLastWhereTheServerHasIt(ContractTarget target) {
    List<Integer> version = target.version();
    boolean splits = version.get(0) >= 7 || version.get(0) == 6 && version.get(2) >= 9;
    MongoDatabase db = target.newDatabase("split");
    // Where the server has the stage it must be last (7182802); where it has not, it is unknown.
    String pipeline =
        "[{$changeStream: {}}, {$changeStreamSplitLargeEvent: {}}"
            + (splits ? ", {$match: {}}]" : "]");

    assertThatThrownBy(
            () ->
                db.runCommand(
                    Document.parse("{aggregate: 'items', pipeline: " + pipeline + ", cursor: {}}")))
        .satisfies(e -> assertThat(code(e)).isEqualTo(splits ? 7182802 : 40324));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void aStageAStreamForbidsOrDoesNotKnowIsRefused(ContractTarget target) {
    MongoDatabase db = target.newDatabase("stages");

    assertThatThrownBy(
            () ->
                db.runCommand(
                    Document.parse(
                        "{aggregate: 'items', pipeline: [{$changeStream: {}}, {$group: {_id: 1}}],"
                            + " cursor: {}}")))
        .satisfies(e -> assertThat(code(e)).isEqualTo(20));
    assertThatThrownBy(
            () ->
                db.runCommand(
                    Document.parse(
                        "{aggregate: 'items', pipeline: [{$changeStream: {}}, {$frobnicate: {}}],"
                            + " cursor: {}}")))
        .satisfies(e -> assertThat(code(e)).isEqualTo(40324));
  }
}
