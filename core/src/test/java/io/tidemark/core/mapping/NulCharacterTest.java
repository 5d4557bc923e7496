package io.tidemark.core.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.core.testing.TaggedValueEncoding;
import io.tidemark.core.value.Utf8Text;
import io.tidemark.core.value.Value;
import java.util.Random;
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

  @Test
  void jsonHeldAsUtf8BytesIsSearchedAsItsTextIs() {
    String[] pieces = {"\\", "\\", "u", "0000", "u0000", "000", "a", "\"", "ń", "\ud83d\ude00"};
    Random random = new Random(20261204);
    for (int n = 0; n < 20_000; n++) {
      StringBuilder json = new StringBuilder();
      for (int i = random.nextInt(10); i > 0; i--) {
        json.append(pieces[random.nextInt(pieces.length)]);
      }
      String text = json.toString();
      assertThat(ColumnValueConverter.jsonHoldsNul(Utf8Text.encode(text)))
          .as("%s", text)
          .isEqualTo(ColumnValueConverter.jsonHoldsNul(text));
    }
    assertThat(ColumnValueConverter.jsonHoldsNul(Utf8Text.encode("{\"ń\": \"\\u0000\"}"))).isTrue();
    assertThat(ColumnValueConverter.jsonHoldsNul(Utf8Text.encode("\\\\u0000"))).isFalse();
    assertThat(ColumnValueConverter.jsonHoldsNul(Utf8Text.encode("\\u000"))).isFalse();
  }
}
