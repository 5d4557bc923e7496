package io.tidemark.core.mapping;

import static io.tidemark.core.testing.FakeDocument.array;
import static io.tidemark.core.testing.FakeDocument.element;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.core.testing.FakeDocument;
import io.tidemark.core.testing.TaggedValueEncoding;
import io.tidemark.core.value.FieldPath;
import io.tidemark.core.value.Value;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChildRowMapperTest {
  private static final SqlType NUMERIC_12_2 = SqlType.parse("numeric(12,2)").orElseThrow();

  /** orders -> order_items (sku, price, whole element) -> order_item_options (name). */
  private static final TableMapping ORDERS =
      new TableMapping(
          "orders",
          "orders",
          "_id",
          List.of(new ColumnMapping(FieldPath.parse("status"), "status", SqlType.TEXT)),
          null,
          "extra",
          OnError.FAIL,
          OnHistoryLost.FAIL,
          List.of(),
          List.of(
              new ChildMapping(
                  FieldPath.parse("items"),
                  "order_items",
                  "items_index",
                  List.of(
                      new ColumnMapping(FieldPath.parse("sku"), "sku", SqlType.TEXT),
                      new ColumnMapping(FieldPath.parse("price"), "price", NUMERIC_12_2)),
                  "element",
                  List.of(
                      new ChildMapping(
                          FieldPath.parse("options"),
                          "order_item_options",
                          "options_index",
                          List.of(new ColumnMapping(FieldPath.parse("name"), "name", SqlType.TEXT)),
                          null,
                          List.of())))));

  private static MappedRow map(FakeDocument document) throws ValueRejectedException {
    return new RowMapper(ORDERS, TaggedValueEncoding.INSTANCE).map(document);
  }

  @Test
  void everyElementBecomesARowKeyedByTheDocumentAndItsPositions() throws Exception {
    MappedRow row =
        map(
            FakeDocument.of(
                "o1",
                "status",
                new Value.Text("open"),
                "items",
                array(
                    element(
                        "sku",
                        new Value.Text("A"),
                        "price",
                        new Value.Decimal(new java.math.BigDecimal("9.99"), null),
                        "options",
                        array(
                            element("name", new Value.Text("gift wrap")),
                            element("name", new Value.Text("express")))),
                    element("sku", new Value.Text("B")))));

    assertThat(row.childRows()).hasSize(2);
    assertThat(row.childRows().get(0))
        .containsExactly(
            new String[] {
              "o1",
              "0",
              "A",
              "9.99",
              "{\"sku\":\"A\",\"price\":{\"$numberDecimal\":\"9.99\"},\"options\":[{\"name\":\"gift"
                  + " wrap\"},{\"name\":\"express\"}]}"
            },
            new String[] {"o1", "1", "B", null, "{\"sku\":\"B\"}"});
    assertThat(row.childRows().get(1))
        .containsExactly(
            new String[] {"o1", "0", "0", "gift wrap"}, new String[] {"o1", "0", "1", "express"});
  }

  @Test
  void theArrayOfAChildTableStaysOutOfTheExtraColumn() throws Exception {
    MappedRow row =
        map(
            FakeDocument.of(
                "o1",
                "items",
                array(element("sku", new Value.Text("A"))),
                "note",
                new Value.Text("leave at door")));

    assertThat(row.values()).containsExactly("o1", null, "{\"note\":\"leave at door\"}");
  }

  @Test
  void aMissingNullOrEmptyArrayGivesNoRows() throws Exception {
    assertThat(map(FakeDocument.of("o1")).childRows()).containsExactly(List.of(), List.of());
    assertThat(map(FakeDocument.of("o2", "items", new Value.Null())).childRows())
        .containsExactly(List.of(), List.of());
    assertThat(map(FakeDocument.of("o3", "items", array())).childRows())
        .containsExactly(List.of(), List.of());
  }

  @Test
  void aSingleValueInTheArrayIsARowWithOnlyItsElementColumn() throws Exception {
    MappedRow row = map(FakeDocument.of("o1", "items", array(new Value.Int32(7))));

    assertThat(row.childRows().get(0)).containsExactly(new String[] {"o1", "0", null, null, "7"});
  }

  @Test
  void aValueWhereTheArrayShouldBeIsRefusedNotDropped() {
    FakeDocument notAnArray = FakeDocument.of("o1", "items", new Value.Text("A"));

    assertThatThrownBy(() -> map(notAnArray))
        .isInstanceOfSatisfying(
            ValueRejectedException.class,
            e ->
                assertThat(e.describe("orders", "o1"))
                    .isEqualTo(
                        "orders.items (document _id o1): String found where child table"
                            + " order_items expects an array (one row per element); map the"
                            + " field as a column instead, or set onError: deadletter"));
  }

  @Test
  void aValueThatDoesNotFitNamesTheElementItsPositionAndTheChildColumn() {
    FakeDocument tooPrecise =
        FakeDocument.of(
            "o1",
            "items",
            array(
                element("sku", new Value.Text("A")),
                element("price", new Value.Decimal(new java.math.BigDecimal("12.345"), null))));

    assertThatThrownBy(() -> map(tooPrecise))
        .isInstanceOfSatisfying(
            ValueRejectedException.class,
            e -> {
              assertThat(e.field()).isEqualTo("items[1].price");
              assertThat(e.column()).isEqualTo("order_items.price");
              assertThat(e.describe("orders", "o1"))
                  .startsWith(
                      "orders.items[1].price (document _id o1): Decimal128 '{\"$numberDecimal\":\"12.345\"}'"
                          + " cannot be stored in column order_items.price numeric(12,2)");
            });
  }
}
