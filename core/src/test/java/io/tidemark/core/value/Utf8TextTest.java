package io.tidemark.core.value;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8TextTest {

  @Test
  void holdsTheTextsUtf8BytesAndReadsAsTheText() {
    String text = "{\"city\": \"Gdańsk\", \"e\": \"\ud83d\ude00\"}";
    Utf8Text utf8 = Utf8Text.encode(text);

    byte[] expected = text.getBytes(StandardCharsets.UTF_8);
    assertThat(utf8.byteLength()).isEqualTo(expected.length);
    byte[] copied = new byte[expected.length + 2];
    utf8.copyBytes(0, utf8.byteLength(), copied, 1);
    assertThat(copied).startsWith(0).endsWith(0).containsSequence(expected);
    assertThat(utf8.byteAt(2)).isEqualTo((byte) 'c');
    assertThat(utf8.toString()).isEqualTo(text);
    assertThat(utf8.length()).isEqualTo(text.length());
    assertThat(utf8.charAt(13)).isEqualTo('ń');
    assertThat(utf8.subSequence(10, 16)).hasToString("Gdańsk");
  }

  @Test
  void aCopyOfPartOfABufferOwnsItsBytes() {
    byte[] buffer = "xx\"é\"yy".getBytes(StandardCharsets.UTF_8);
    Utf8Text utf8 = Utf8Text.copyOf(buffer, 2, 4);
    buffer[3] = 'z';

    assertThat(utf8.toString()).isEqualTo("\"é\"");
    assertThat(utf8)
        .isEqualTo(Utf8Text.encode("\"é\""))
        .hasSameHashCodeAs(Utf8Text.encode("\"é\""));
    assertThat(utf8).isNotEqualTo(Utf8Text.encode("\"e\"")).isNotEqualTo("\"é\"");
  }

  @Test
  void aSurrogateWithoutItsPairIsEncodedAsStringGetBytesEncodesIt() {
    assertThat(Utf8Text.encode("a\ud83d").toString()).isEqualTo("a?");
  }

  @Test
  void asciiIsFoundAmongTheBytes() {
    Utf8Text utf8 = Utf8Text.encode("é\\ń\\");
    assertThat(utf8.indexOf('\\', 0)).isEqualTo(2);
    assertThat(utf8.indexOf('\\', 3)).isEqualTo(5);
    assertThat(utf8.indexOf('\\', 6)).isEqualTo(-1);
    assertThat(utf8.indexOf('x', -1)).isEqualTo(-1);
  }

  @Test
  void asciiIsFoundAtEveryPositionOfEveryWord() {
    java.util.Random random = new java.util.Random(20261204);
    String[] pieces = {"a", "\\", "ń", "\u0080", "\ud83d\ude00", "\u00dc"};
    for (int n = 0; n < 5_000; n++) {
      StringBuilder text = new StringBuilder();
      for (int i = random.nextInt(40); i > 0; i--) {
        text.append(pieces[random.nextInt(pieces.length)]);
      }
      byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
      Utf8Text utf8 = Utf8Text.encode(text.toString());
      int from = random.nextInt(bytes.length + 2) - 1;
      int expected = -1;
      for (int i = Math.max(0, from); i < bytes.length && expected < 0; i++) {
        expected = bytes[i] == '\\' ? i : -1;
      }
      assertThat(utf8.indexOf('\\', from)).as("%s from %d", text, from).isEqualTo(expected);
    }
  }
}
