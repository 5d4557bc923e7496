package io.tidemark.core.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.core.mapping.MappedRow.UnmappedField;
import io.tidemark.core.testing.FakeDocument;
import io.tidemark.core.testing.TaggedValueEncoding;
import io.tidemark.core.value.FieldPath;
import io.tidemark.core.value.Value;
import java.util.List;
import org.junit.jupiter.api.Test;

class RowMapperEvolveTest {

  private static TableMapping mapping(SchemaEvolution evolve) {
    return new TableMapping(
        "events",
        "events",
        "_id",
        List.of(new ColumnMapping(FieldPath.parse("address.city"), "city", SqlType.TEXT)),
        "doc",
        null,
        OnError.FAIL,
        OnHistoryLost.FAIL,
        List.of(),
        List.of(
            new ChildMapping(
                FieldPath.parse("items"),
                "event_items",
                "items_index",
                List.of(),
                "element",
                null)),
        evolve);
  }

  private static final FakeDocument DOCUMENT =
      FakeDocument.of(
          "e1",
          "address.city",
          new Value.Text("Oslo"),
          "address.zip",
          new Value.Text("0150"),
          "items",
          FakeDocument.array(new Value.Int32(1)),
          "n",
          new Value.Int32(7),
          "gone",
          new Value.Null(),
          "tag",
          new Value.Text("a"));

  @Test
  void anEvolvingTableGetsTheTopLevelFieldsNoColumnOrChildReads() throws Exception {
    MappedRow row =
        new RowMapper(mapping(SchemaEvolution.ADDCOLUMNS), TaggedValueEncoding.INSTANCE)
            .map(DOCUMENT);

    assertThat(row.unmappedFields())
        .as("_id, a partly mapped address, the child array and a null stay out")
        .containsExactly(
            new UnmappedField("n", new Value.Int32(7)),
            new UnmappedField("tag", new Value.Text("a")));
  }

  @Test
  void aTableThatDoesNotEvolveGetsNone() throws Exception {
    assertThat(
            new RowMapper(mapping(SchemaEvolution.NONE), TaggedValueEncoding.INSTANCE)
                .map(DOCUMENT)
                .unmappedFields())
        .isEmpty();
  }

  @Test
  void aValueNotEvenJsonbCanHoldIsRefusedWhenMapped() {
    FakeDocument nul = FakeDocument.of("e2", "note", new Value.Text("a\u0000b"));

    assertThatThrownBy(
            () ->
                new RowMapper(mapping(SchemaEvolution.ADDCOLUMNS), TaggedValueEncoding.INSTANCE)
                    .map(nul))
        .isInstanceOf(ValueRejectedException.class)
        .hasMessageContaining("NUL");
  }

  @Test
  void typesAreInferredAndOnlyTheSameKindFits() {
    assertThat(EvolvedTypes.inferred(new Value.Int32(1)).ddl()).isEqualTo("bigint");
    assertThat(EvolvedTypes.inferred(new Value.Int64(1)).ddl()).isEqualTo("bigint");
    assertThat(EvolvedTypes.inferred(new Value.ObjectId("00")).ddl()).isEqualTo("text");
    assertThat(EvolvedTypes.inferred(new Value.Json("Regex", "{}")).ddl()).isEqualTo("jsonb");
    assertThat(EvolvedTypes.fits(new Value.Int64(1), SqlType.parse("bigint").orElseThrow()))
        .isTrue();
    assertThat(EvolvedTypes.fits(new Value.Int32(1), SqlType.TEXT))
        .as("a number does not turn into text")
        .isFalse();
    assertThat(EvolvedTypes.fits(new Value.Text("x"), SqlType.JSONB)).isTrue();
  }
}
