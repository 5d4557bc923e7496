package io.tidemark.core.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.core.testing.TaggedValueEncoding;
import io.tidemark.core.value.Value;
import org.junit.jupiter.api.Test;

/** PostgreSQL cannot store NUL in text or jsonb: refused per value, never failing a batch. */
class NulCharacterTest {

  @Test
  void textWithNulIsRejectedNamingFieldAndColumn() {
    assertThatThrownBy(
            () ->
                new ColumnValueConverter(TaggedValueEncoding.INSTANCE)
                    .convert(new Value.Text("a\0b"), SqlType.TEXT, "note", "note"))
        .isInstanceOf(ValueRejectedException.class)
        .hasMessageContaining("String '\"a\\u0000b\"' cannot be stored in column note text")
        .hasMessageContaining("NUL character");
  }

  @Test
  void jsonEscapeOfNulIsFoundButAnEscapedBackslashIsNot() {
    assertThat(ColumnValueConverter.jsonHoldsNul("{\"a\": \"x\\u0000y\"}")).isTrue();
    assertThat(ColumnValueConverter.jsonHoldsNul("{\"a\": \"x\\\\u0000y\"}")).isFalse();
    assertThat(ColumnValueConverter.jsonHoldsNul("{\"a\": \"x\\\\\\u0000y\"}")).isTrue();
    assertThat(ColumnValueConverter.jsonHoldsNul("{\"a\": 1}")).isFalse();
  }
}
