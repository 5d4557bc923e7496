package io.tidemark.source.mongo.convert;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.core.value.FieldPath;
import io.tidemark.core.value.Value;
import java.util.List;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Test;

class BsonSourceDocumentTest {
  private static final RawBsonDocument RAW =
      RawBsonDocument.parse(
          "{\"_id\": {\"$oid\": \"65a1b2c3d4e5f60718293a4b\"},"
              + " \"name\": \"Ada\","
              + " \"qty\": 3,"
              + " \"nothing\": null,"
              + " \"address\": {\"city\": \"Oslo\", \"geo\": {\"lat\": 59.9}},"
              + " \"items\": [{\"sku\": \"A-1\", \"n\": {\"$numberLong\": \"2\"}}, {\"sku\": \"B-2\"}, 42],"
              + " \"1\": \"field named one\","
              + " \"matrix\": [[1, 2], [3, 4]]}");
  private static final BsonSourceDocument DOC = new BsonSourceDocument(RAW);

  private static Value at(String path) {
    return DOC.valueAt(FieldPath.parse(path));
  }

  @Test
  void keyComesFromTheId() {
    assertThat(DOC.key().text()).isEqualTo("65a1b2c3d4e5f60718293a4b");
    assertThat(new BsonSourceDocument(RawBsonDocument.parse("{\"_id\": 5, \"a\": 1}")).key().text())
        .isEqualTo("5");
  }

  @Test
  void topLevelAndNestedFields() {
    assertThat(at("name")).isEqualTo(new Value.Text("Ada"));
    assertThat(at("qty")).isEqualTo(new Value.Int32(3));
    assertThat(at("address.city")).isEqualTo(new Value.Text("Oslo"));
    assertThat(at("address.geo.lat")).isEqualTo(new Value.Double(59.9));
    assertThat(at("nothing")).isEqualTo(new Value.Null());
    assertThat(at("1")).isEqualTo(new Value.Text("field named one"));
  }

  @Test
  void arrayIndexes() {
    assertThat(at("items.0.sku")).isEqualTo(new Value.Text("A-1"));
    assertThat(at("items.0.n")).isEqualTo(new Value.Int64(2));
    assertThat(at("items.1.sku")).isEqualTo(new Value.Text("B-2"));
    assertThat(at("items.2")).isEqualTo(new Value.Int32(42));
    assertThat(at("matrix.1.0")).isEqualTo(new Value.Int32(3));
  }

  @Test
  void subDocumentsAndArraysAreJson() {
    assertThat(at("address.geo")).isEqualTo(new Value.Json("Document", "{\"lat\": 59.9}"));
    assertThat(at("matrix.0"))
        .isEqualTo(new Value.Array(List.of(new Value.Int32(1), new Value.Int32(2)), "[1, 2]"));
  }

  @Test
  void missingPathsAreMissing() {
    assertThat(at("absent")).isEqualTo(new Value.Missing());
    assertThat(at("address.zip")).isEqualTo(new Value.Missing());
    assertThat(at("name.first")).as("into a string").isEqualTo(new Value.Missing());
    assertThat(at("nothing.x")).as("into null").isEqualTo(new Value.Missing());
    assertThat(at("items.3")).as("past the end").isEqualTo(new Value.Missing());
    assertThat(at("items.1.n")).isEqualTo(new Value.Missing());
    assertThat(at("items.sku")).as("not an index").isEqualTo(new Value.Missing());
    assertThat(at("items.-1")).isEqualTo(new Value.Missing());
    assertThat(at("items.99999999999")).as("too large an index").isEqualTo(new Value.Missing());
    assertThat(at("items.2.x")).as("into a number").isEqualTo(new Value.Missing());
  }

  @Test
  void wholeDocumentIsRelaxedExtendedJson() {
    BsonSourceDocument doc =
        new BsonSourceDocument(
            RawBsonDocument.parse(
                "{\"_id\": 1, \"n\": {\"$numberLong\": \"5\"}, \"d\": {\"$date\": 0}}"));
    assertThat(doc.toJson())
        .isEqualTo("{\"_id\": 1, \"n\": 5, \"d\": {\"$date\": \"1970-01-01T00:00:00Z\"}}");
    assertThat(doc.sizeInBytes())
        .isEqualTo(
            RawBsonDocument.parse(
                    "{\"_id\": 1, \"n\": {\"$numberLong\": \"5\"}, \"d\": {\"$date\": 0}}")
                .getByteBuffer()
                .remaining());
    assertThat(DOC.sizeInBytes()).isGreaterThan(100);
  }

  @Test
  void jsonWithoutMappedFieldsKeepsEverythingElse() {
    org.bson.RawBsonDocument raw =
        org.bson.RawBsonDocument.parse(
            "{_id: 1, email: 'a@x', address: {city: 'Oslo', zip: '0150'}, only: {city: 'x'},"
                + " items: [{sku: 's1', qty: 2}, {sku: 's2'}], note: 'n'}");
    BsonSourceDocument doc = new BsonSourceDocument(raw);

    String extra =
        doc.toJsonWithout(
            java.util.List.of(
                io.tidemark.core.value.FieldPath.parse("email"),
                io.tidemark.core.value.FieldPath.parse("address.city"),
                io.tidemark.core.value.FieldPath.parse("only.city"),
                io.tidemark.core.value.FieldPath.parse("items.0.sku"),
                io.tidemark.core.value.FieldPath.parse("absent.path")));

    assertThat(extra)
        .isEqualTo(
            "{\"address\": {\"zip\": \"0150\"}, \"items\": [{\"qty\": 2}, {\"sku\": \"s2\"}],"
                + " \"note\": \"n\"}");
    assertThat(doc.toJson()).as("the document itself is untouched").contains("\"city\": \"Oslo\"");
  }

  @Test
  void aMappedPathThatEndsEarlyRemovesNothing() {
    BsonSourceDocument doc =
        new BsonSourceDocument(
            RawBsonDocument.parse(
                "{_id: 1, scalar: 'not a document', empty: {}, list: [1, 2], other: {k: 1}}"));

    String extra =
        doc.toJsonWithout(
            List.of(
                FieldPath.parse("scalar.city"),
                FieldPath.parse("empty.city"),
                FieldPath.parse("list.name"),
                FieldPath.parse("other.k.deeper")));

    assertThat(extra)
        .as("a single value on the path, an empty sub-document, an array without an index")
        .isEqualTo(
            "{\"scalar\": \"not a document\", \"empty\": {}, \"list\": [1, 2],"
                + " \"other\": {\"k\": 1}}");
  }
}
