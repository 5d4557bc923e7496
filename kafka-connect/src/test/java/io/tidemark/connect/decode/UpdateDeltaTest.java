package io.tidemark.connect.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

/** An update's delta applied to the document it changed gives the document MongoDB has after. */
class UpdateDeltaTest {

  private static UpdateDelta delta(String updateDescription) {
    return UpdateDelta.from(BsonDocument.parse(updateDescription));
  }

  @Test
  void nestedFieldsAreSetAndRemovedAndTheRestIsKept() {
    BsonDocument before =
        BsonDocument.parse("{_id: 1, name: 'Ada', address: {city: 'London', zip: 'W1'}, score: 4}");

    BsonDocument after =
        delta(
                "{updatedFields: {'address.city': 'Paris', 'tags.first': 'new'},"
                    + " removedFields: ['score', 'address.zip'], truncatedArrays: []}")
            .applyTo(before);

    assertThat(after)
        .isEqualTo(
            BsonDocument.parse(
                "{_id: 1, name: 'Ada', address: {city: 'Paris'}, tags: {first: 'new'}}"));
    assertThat(before.getDocument("address").getString("city").getValue())
        .as("the stored document is not changed")
        .isEqualTo("London");
  }

  @Test
  void arraysAreCutFirstThenAnIndexAtTheNewEndAppends() {
    BsonDocument before = BsonDocument.parse("{_id: 1, items: [{q: 1}, {q: 2}, {q: 3}, {q: 4}]}");

    BsonDocument after =
        delta(
                "{updatedFields: {'items.1.q': 20, 'items.2': {q: 30}}, removedFields: [],"
                    + " truncatedArrays: [{field: 'items', newSize: 2}]}")
            .applyTo(before);

    assertThat(after).isEqualTo(BsonDocument.parse("{_id: 1, items: [{q: 1}, {q: 20}, {q: 30}]}"));
  }

  @Test
  void anIndexPastTheEndPadsWithNullsAsSetDoes() {
    BsonDocument after =
        delta("{updatedFields: {'a.3': 'x'}, removedFields: []}")
            .applyTo(BsonDocument.parse("{_id: 1, a: ['p']}"));

    assertThat(after).isEqualTo(BsonDocument.parse("{_id: 1, a: ['p', null, null, 'x']}"));
  }

  @Test
  void aNumericSegmentIsAFieldNameInADocument() {
    BsonDocument after =
        delta("{updatedFields: {'byYear.2024': 7}, removedFields: []}")
            .applyTo(BsonDocument.parse("{_id: 1, byYear: {'2023': 5}}"));

    assertThat(after).isEqualTo(BsonDocument.parse("{_id: 1, byYear: {'2023': 5, '2024': 7}}"));
  }

  @Test
  void debeziumsFormIsRead() {
    UpdateDelta debezium =
        UpdateDelta.from(
            BsonDocument.parse(
                "{updatedFields: '{\"n\": 2}', removedFields: ['x'],"
                    + " truncatedArrays: [{field: 'a', size: 1}]}"));

    assertThat(debezium.updated()).isEqualTo(BsonDocument.parse("{n: 2}"));
    assertThat(debezium.removed()).containsExactly("x");
    assertThat(debezium.truncated()).containsExactly(new UpdateDelta.Truncation("a", 1));
  }

  @Test
  void aPathThroughAScalarDoesNotFitTheStoredDocument() {
    assertThatThrownBy(
            () ->
                delta("{updatedFields: {'name.first': 'A'}, removedFields: []}")
                    .applyTo(BsonDocument.parse("{_id: 1, name: 'Ada'}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name.first");
  }
}
