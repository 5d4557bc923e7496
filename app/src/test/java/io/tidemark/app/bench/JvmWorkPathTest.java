package io.tidemark.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.core.mapping.MappedRow;
import io.tidemark.core.mapping.RowMapper;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.mapping.ValueRejectedException;
import io.tidemark.core.value.Utf8Text;
import io.tidemark.sink.jdbc.dialect.postgres.CopyTextBlock;
import io.tidemark.sink.jdbc.dialect.postgres.PostgresValueEncoding;
import io.tidemark.source.mongo.convert.BsonSourceDocument;
import java.io.ByteArrayOutputStream;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Test;

/**
 * The path "Tidemark alone" measures, from raw BSON to COPY's bytes, with the document's JSON
 * carried as UTF-8 bytes from the source to the sink: the same bytes as the driver's text in its
 * {@code String} form, escaped for COPY.
 */
class JvmWorkPathTest {
  private static final RowMapper MAPPER =
      new RowMapper(TableMapping.defaultFor("orders", "orders"), PostgresValueEncoding.INSTANCE);

  @Test
  void theDocumentColumnTravelsAsUtf8BytesAndCopiesAsItsStringWould() throws Exception {
    BenchDocuments documents = new BenchDocuments(42);
    for (long id = 0; id < 2_000; id++) {
      assertSameCopyBytes(documents.document(id, (int) (id % 3)));
    }
    assertSameCopyBytes(
        RawBsonDocument.parse(
            "{\"_id\": \"k\\t1\", \"s\": \"a\\\\b\\n\\r\\t\\\"q\\\" Gdańsk \\ud83d\\ude00 \\u2028\","
                + " \"d\": {\"$date\": \"2024-05-01T10:00:00.120Z\"}}"));
  }

  @Test
  void aNulInTheDocumentIsRefusedFromItsBytes() {
    BsonSourceDocument withNul =
        new BsonSourceDocument(RawBsonDocument.parse("{\"_id\": 1, \"s\": \"a\\u0000b\"}"));
    assertThatThrownBy(() -> MAPPER.map(withNul))
        .isInstanceOf(ValueRejectedException.class)
        .hasMessageContaining("NUL character");
  }

  private static void assertSameCopyBytes(RawBsonDocument raw) throws ValueRejectedException {
    BsonSourceDocument document = new BsonSourceDocument(raw);
    MappedRow row = MAPPER.map(document);
    assertThat(row.values()[1]).isInstanceOf(Utf8Text.class);
    assertThat(row.values()[1].toString()).isEqualTo(document.toJson());

    byte[] viaBytes = copyBytes(row.values());
    byte[] viaString = copyBytes(new String[] {document.key().text(), document.toJson()});
    assertThat(viaBytes).as("document %s", document.key()).isEqualTo(viaString);
  }

  private static byte[] copyBytes(CharSequence[] values) {
    CopyTextBlock block = new CopyTextBlock();
    block.appendRow(values, values.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    block.sendTo(out::write);
    return out.toByteArray();
  }
}
