package io.tidemark.source.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.tidemark.core.config.TidemarkConfig.SourceConfig;
import io.tidemark.core.event.DocumentKey;
import io.tidemark.core.event.SourceDocument;
import io.tidemark.core.spi.CollectionSource;
import io.tidemark.harness.standin.StandInMongo;
import java.util.List;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The document lookup verify and dead-letter replay use: key texts lead back to the documents that
 * have them, even where two {@code _id}s of different types share a readable text.
 */
class MongoCollectionSourceLookupTest {
  private static final ObjectId OID = new ObjectId("64b7f0c2a1b2c3d4e5f60718");

  private static StandInMongo mongo;
  private static MongoChangeSource source;

  @BeforeAll
  static void start() {
    mongo = StandInMongo.start();
    try (MongoClient client = MongoClients.create(mongo.connectionString())) {
      client
          .getDatabase("shop")
          .getCollection("orders")
          .insertMany(
              List.of(
                  new Document("_id", 1).append("v", "int one"),
                  new Document("_id", "1").append("v", "string one"),
                  new Document("_id", OID).append("v", "object id"),
                  new Document("_id", OID.toHexString()).append("v", "hex string"),
                  new Document("_id", new Document("a", 1)).append("v", "sub-document")));
    }
    source = MongoChangeSource.open(new SourceConfig(mongo.connectionString(), "shop"));
  }

  @AfterAll
  static void stop() {
    source.close();
    mongo.close();
  }

  private static List<String> lookup(String... keys) {
    CollectionSource orders = source.collection("orders");
    return orders.lookup(java.util.Arrays.stream(keys).map(DocumentKey::new).toList()).stream()
        .map(SourceDocument::key)
        .map(DocumentKey::text)
        .sorted()
        .toList();
  }

  @Test
  void eachKeyFindsTheOneDocumentWhoseKeyItIs() {
    assertThat(lookup("1")).containsExactly("1");
    assertThat(lookup("\"1\"")).containsExactly("\"1\"");
    assertThat(lookup(OID.toHexString())).containsExactly(OID.toHexString());
    assertThat(lookup("\"" + OID.toHexString() + "\""))
        .containsExactly("\"" + OID.toHexString() + "\"");
    assertThat(lookup("{\"a\": {\"$numberInt\": \"1\"}}")).hasSize(1);
  }

  @Test
  void keysWithNoDocumentAreLeftOutAndNoKeysAskNothing() {
    assertThat(lookup("1", "gone", "\"1\"")).containsExactly("\"1\"", "1");
    assertThat(lookup()).isEmpty();
  }
}
