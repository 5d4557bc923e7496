package io.tidemark.it.contract;

import static io.tidemark.it.contract.Streams.code;
import static io.tidemark.it.contract.Streams.now;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.ClientSessionOptions;
import com.mongodb.MongoCommandException;
import com.mongodb.ReadConcern;
import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import io.tidemark.source.mongo.snapshot.KeyRangeFilter;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.stream.IntStream;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.bson.types.Decimal128;
import org.bson.types.MaxKey;
import org.bson.types.MinKey;
import org.bson.types.ObjectId;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Claims about the reads of the copy and the lookups: {@code $type} codes, the order of {@code
 * _id}s across types and what a range matches, {@code $sample}, causally consistent reads after a
 * time, what the query and command parsers refuse, and (on a real server) the plan of a range read.
 * References: {@code src/mongo/db/matcher/matcher_type_set.cpp}, {@code
 * src/mongo/db/matcher/expression_leaf.cpp}, {@code src/mongo/bson/bsontypes.cpp}, {@code
 * src/mongo/db/read_concern_mongod.cpp}, {@code src/mongo/idl/idl_parser.cpp}, manual {@code
 * reference/operator/aggregation/sample}.
 */
class QueryContractIT {

  static List<ContractTarget> targets() {
    return ContractTargets.all();
  }

  private static List<Object> idsInOrder(MongoCollection<Document> items) {
    List<Object> ids = new ArrayList<>();
    items.find().sort(Sorts.ascending("_id")).forEach(d -> ids.add(d.get("_id")));
    return ids;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void typeCodeMinusOneIsMinKeyAndTheDriversCode255IsRefused(ContractTarget target) {
    MongoCollection<Document> items = target.newDatabase("types").getCollection("items");
    items.insertMany(List.of(new Document("_id", new MinKey()), new Document("_id", 1)));

    assertThat(items.find(Filters.type("_id", "minKey")).into(new ArrayList<>())).hasSize(1);
    assertThat(items.find(Document.parse("{_id: {$type: [-1]}}")).into(new ArrayList<>()))
        .hasSize(1);
    assertThatThrownBy(() -> items.find(Document.parse("{_id: {$type: [255]}}")).first())
        .isInstanceOfSatisfying(
            MongoCommandException.class,
            e -> {
              assertThat(e.getErrorCode()).isEqualTo(2);
              assertThat(e.getErrorMessage()).contains("Invalid numerical type code: 255");
            });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void idsOfDifferentTypesSortInMongoDbsTypeOrder(ContractTarget target) {
    MongoCollection<Document> items = target.newDatabase("order").getCollection("items");
    List<Object> canonical =
        List.of(
            new MinKey(),
            1,
            2.5,
            3L,
            Decimal128.parse("4.5"),
            "a",
            new Document("k", 1),
            new org.bson.types.Binary(new byte[] {1}),
            new ObjectId("0000000000000000000000a1"),
            false,
            true,
            new Date(1_600_000_000_000L),
            new BsonTimestamp(1_600_000_000, 1),
            new MaxKey());
    List<Object> shuffled = new ArrayList<>(canonical);
    java.util.Collections.reverse(shuffled);
    shuffled.forEach(id -> items.insertOne(new Document("_id", id)));
    items.insertOne(new Document("_id", null));

    List<Object> sorted = idsInOrder(items);

    assertThat(sorted.get(1)).as("null right after MinKey").isNull();
    sorted.remove(1);
    assertThat(sorted).containsExactlyElementsOf(canonical);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void nanSortsBeforeEveryOtherNumberAndNoRangeMatchesIt(ContractTarget target) {
    target.assumeRealServer(
        "it sorts NaN after the other numbers (mongo-java-server's comparator)");
    MongoCollection<Document> items = target.newDatabase("nan").getCollection("items");
    items.insertMany(
        List.of(
            new Document("_id", 1),
            new Document("_id", Double.NaN),
            new Document("_id", Double.NEGATIVE_INFINITY)));

    assertThat(idsInOrder(items).get(0)).isEqualTo(Double.NaN);
    assertThat(items.countDocuments(Filters.lte("_id", 5))).isEqualTo(2);
    assertThat(items.countDocuments(Filters.gt("_id", Double.NEGATIVE_INFINITY))).isEqualTo(1);
    assertThat(items.countDocuments(Filters.eq("_id", Double.NaN))).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void gtAndLteMatchOnlyValuesOfTheBoundsTypeBracket(ContractTarget target) {
    MongoCollection<Document> items = target.newDatabase("brackets").getCollection("items");
    items.insertMany(
        List.of(
            new Document("_id", 1),
            new Document("_id", 2L),
            new Document("_id", "a"),
            new Document("_id", new Document("x", 1))));

    assertThat(items.find(Filters.gt("_id", 0)).into(new ArrayList<>())).hasSize(2);
    assertThat(items.find(Filters.lte("_id", "z")).into(new ArrayList<>()))
        .extracting(d -> d.get("_id"))
        .containsExactly("a");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void sampleReturnsAtMostTheSizeAskedEachADocumentOfTheCollection(ContractTarget target) {
    MongoCollection<Document> items = target.newDatabase("sample").getCollection("items");
    items.insertMany(IntStream.range(0, 500).mapToObj(i -> new Document("_id", i)).toList());

    List<Document> sample =
        items
            .aggregate(List.of(new Document("$sample", new Document("size", 40))))
            .into(new ArrayList<>());

    // Repeats are allowed: "$sample may output the same document more than once".
    assertThat(sample).hasSizeLessThanOrEqualTo(40).isNotEmpty();
    assertThat(sample).allSatisfy(d -> assertThat(d.getInteger("_id")).isBetween(0, 499));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void aCausallyConsistentReadAfterAClusterTimeSeesEveryWriteBeforeIt(ContractTarget target) {
    MongoDatabase db = target.newDatabase("causal");
    MongoCollection<Document> items = db.getCollection("items");
    items.insertOne(new Document("_id", 1));
    BsonTimestamp written = now(db);

    try (ClientSession session =
        target
            .client()
            .startSession(ClientSessionOptions.builder().causallyConsistent(true).build())) {
      session.advanceOperationTime(written);
      Document found =
          items.withReadConcern(ReadConcern.MAJORITY).find(session, Filters.eq("_id", 1)).first();
      assertThat(found).isNotNull();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void anAfterClusterTimeAheadOfTheClusterIsRefused(ContractTarget target) {
    MongoDatabase db = target.newDatabase("ahead");
    BsonTimestamp now = now(db);
    BsonTimestamp ahead = new BsonTimestamp(now.getTime() + 3600, 1);

    assertThatThrownBy(
            () ->
                db.runCommand(
                    new Document("find", "items")
                        .append(
                            "readConcern",
                            new Document("level", "majority").append("afterClusterTime", ahead))))
        .satisfies(e -> assertThat(code(e)).isEqualTo(72));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void theParsersRefuseUnknownOperatorsAndFieldsBeforeReadingAnything(ContractTarget target) {
    MongoDatabase db = target.newDatabase("parsers");
    MongoCollection<Document> empty = db.getCollection("empty");

    assertThatThrownBy(() -> empty.find(Document.parse("{_id: {$greaterThan: 1}}")).first())
        .satisfies(e -> assertThat(code(e)).isEqualTo(2));
    assertThatThrownBy(() -> empty.find(Document.parse("{$orr: [{_id: 1}]}")).first())
        .satisfies(e -> assertThat(code(e)).isEqualTo(2));
    assertThatThrownBy(() -> db.runCommand(Document.parse("{find: 'empty', sorting: {_id: 1}}")))
        .satisfies(e -> assertThat(code(e)).isEqualTo(40415));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void aRangeReadExaminesAboutAsManyDocumentsAsItReturns(ContractTarget target) {
    target.assumeRealServer("it has no query planner and no explain");
    MongoDatabase db = target.newDatabase("explain");
    MongoCollection<Document> items = db.getCollection("items");
    List<Document> documents = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      documents.add(new Document("_id", i));
      documents.add(new Document("_id", String.format("s%04d", i)));
    }
    items.insertMany(documents);

    assertExaminesWhatItReturns(
        db, KeyRangeFilter.between(new BsonInt32(100), new BsonInt32(200)), 100);
    assertExaminesWhatItReturns(
        db, KeyRangeFilter.between(new BsonInt32(899), new BsonString("s0100")), 201);
    assertExaminesWhatItReturns(db, KeyRangeFilter.after(new BsonString("s0899")), 100);
  }

  private static void assertExaminesWhatItReturns(
      MongoDatabase db, BsonDocument filter, int expected) {
    Document explain =
        db.runCommand(
            new Document(
                    "explain",
                    new Document("find", "items")
                        .append("filter", filter)
                        .append("sort", new Document("_id", 1)))
                .append("verbosity", "executionStats"));
    Document stats = explain.get("executionStats", Document.class);
    int returned = stats.getInteger("nReturned");
    int examined = stats.getInteger("totalDocsExamined");
    assertThat(returned).as("returned by %s", filter.toJson()).isEqualTo(expected);
    assertThat(examined)
        .as("documents examined for %s (%s returned)", filter.toJson(), returned)
        .isLessThanOrEqualTo(returned + 2);
  }
}
