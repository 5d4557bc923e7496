package io.tidemark.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.source.mongo.convert.BsonSourceDocument;
import org.bson.BsonDocument;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Test;

class BenchDocumentsTest {
  private final BenchDocuments documents = new BenchDocuments(42);

  @Test
  void theSameIdAndVersionGiveTheSameBytesInEveryInstance() {
    BenchDocuments other = new BenchDocuments(42);
    for (long id : new long[] {0, 1, 77, 199_999, 5_000_000}) {
      assertThat(bytes(other.document(id, 3))).isEqualTo(bytes(documents.document(id, 3)));
    }
  }

  @Test
  void anotherVersionChangesTheDocumentButNotItsIdentity() {
    RawBsonDocument v0 = documents.document(12, 0);
    RawBsonDocument v1 = documents.document(12, 1);
    assertThat(bytes(v1)).isNotEqualTo(bytes(v0));
    assertThat(v1.get("_id")).isEqualTo(v0.get("_id"));
    assertThat(v1.getInt32("version").getValue()).isEqualTo(1);
  }

  @Test
  void anotherSeedGivesOtherDocuments() {
    assertThat(bytes(new BenchDocuments(7).document(5, 0)))
        .isNotEqualTo(bytes(documents.document(5, 0)));
  }

  @Test
  void documentsAreAboutOneKilobyteAndNested() {
    long total = 0;
    int n = 2_000;
    for (long id = 0; id < n; id++) {
      RawBsonDocument doc = documents.document(id, 0);
      total += doc.getByteBuffer().remaining();
    }
    assertThat(total / n).isBetween(900L, 1_150L);
    BsonDocument doc = documents.document(3, 0);
    assertThat(doc.getDocument("customer").getDocument("address").getString("city")).isNotNull();
    assertThat(doc.getArray("items")).isNotEmpty();
    assertThat(doc.getArray("items").get(0).asDocument().get("unitPrice").isDecimal128()).isTrue();
  }

  @Test
  void idsRoundTripThroughTheKeyTextAndKeepTheirOrder() {
    String previous = "";
    for (long id : new long[] {0, 1, 255, 65_536, 16_777_215, 16_777_216, 1L << 30}) {
      String key = new BsonSourceDocument(documents.document(id, 0)).key().text();
      assertThat(BenchDocuments.idOf(key)).isEqualTo(id);
      assertThat(key).isGreaterThan(previous);
      previous = key;
    }
  }

  private static byte[] bytes(RawBsonDocument doc) {
    var buffer = doc.getByteBuffer();
    byte[] out = new byte[buffer.remaining()];
    buffer.get(out);
    return out;
  }
}
