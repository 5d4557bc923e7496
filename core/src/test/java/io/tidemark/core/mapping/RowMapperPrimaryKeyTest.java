package io.tidemark.core.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.core.testing.FakeDocument;
import io.tidemark.core.testing.TaggedValueEncoding;
import io.tidemark.core.value.FieldPath;
import io.tidemark.core.value.Value;
import java.util.List;
import org.junit.jupiter.api.Test;

class RowMapperPrimaryKeyTest {
  private static final TableMapping BY_REGION =
      new TableMapping(
          "orders",
          "orders",
          "_id",
          List.of(
              new ColumnMapping(FieldPath.parse("_id.region"), "region", SqlType.TEXT),
              new ColumnMapping(
                  FieldPath.parse("_id.n"), "n", SqlType.parse("bigint").orElseThrow()),
              new ColumnMapping(FieldPath.parse("note"), "note", SqlType.TEXT)),
          null,
          null,
          OnError.FAIL,
          OnHistoryLost.FAIL,
          List.of("region", "n"));

  @Test
  void aDocumentWithEveryKeyFieldMaps() throws Exception {
    MappedRow row =
        new RowMapper(BY_REGION, TaggedValueEncoding.INSTANCE)
            .map(
                FakeDocument.of(
                    "{\"region\": \"eu\", \"n\": 7}",
                    "_id.region",
                    new Value.Text("eu"),
                    "_id.n",
                    new Value.Int64(7)));

    // A column outside the key may be missing.
    assertThat(row.values()).containsExactly("{\"region\": \"eu\", \"n\": 7}", "eu", "7", null);
  }

  @Test
  void aMissingKeyFieldIsRefusedNamingTheColumnAndTheTable() {
    FakeDocument noN = FakeDocument.of("{\"region\": \"eu\"}", "_id.region", new Value.Text("eu"));

    assertThatThrownBy(() -> new RowMapper(BY_REGION, TaggedValueEncoding.INSTANCE).map(noN))
        .isInstanceOfSatisfying(
            ValueRejectedException.class,
            e ->
                assertThat(e.describe("orders", "{\"region\": \"eu\"}"))
                    .isEqualTo(
                        "orders._id.n (document _id {\"region\": \"eu\"}): the field is missing or"
                            + " null, but column n is part of the primary key of table orders;"
                            + " give every document this field, or set onError: deadletter"));
  }
}
