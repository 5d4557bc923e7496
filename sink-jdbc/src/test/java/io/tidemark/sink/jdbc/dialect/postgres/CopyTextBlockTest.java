package io.tidemark.sink.jdbc.dialect.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.core.value.Utf8Text;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CopyTextBlockTest {

  /** Pieces of every kind the escaping and the encoding treat apart. */
  private static final String[] PIECES = {
    "a",
    "Z",
    "0",
    " ",
    "\\",
    "\\N",
    "\t",
    "\n",
    "\r",
    "\u0000",
    "\u0001",
    "\u001f",
    "\u007f",
    "\"",
    "{",
    "\u0080",
    "é",
    "ÿ",
    "\u0100",
    "ń",
    "\u07ff",
    "\u0800",
    "€",
    "中",
    "\uffff",
    "\ud83d\ude00",
    "\udbff\udfff",
    "\ud83d",
    "\ude00",
    "\ud800\ud800",
    "\udc00\ud800"
  };

  private final Random random = new Random(20261204);

  private static String escaped(String value) {
    return new String(rowBytes(new String[] {value}, 1), StandardCharsets.UTF_8).stripTrailing();
  }

  private static byte[] rowBytes(CharSequence[] values, int columnCount) {
    CopyTextBlock block = new CopyTextBlock();
    block.appendRow(values, columnCount);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    block.sendTo(out::write);
    return out.toByteArray();
  }

  @Test
  void nullIsBackslashN() {
    assertThat(escaped(null)).isEqualTo("\\N");
  }

  @Test
  void plainTextIsUnchanged() {
    assertThat(escaped("plain, \"quoted\" {x} ü")).isEqualTo("plain, \"quoted\" {x} ü");
    assertThat(escaped("")).isEmpty();
  }

  @Test
  void backslashTabNewlineAndCarriageReturnAreEscaped() {
    assertThat(escaped("a\\b\tc\nd\re")).isEqualTo("a\\\\b\\tc\\nd\\re");
    assertThat(escaped("\\N")).isEqualTo("\\\\N");
    assertThat(escaped("\\x00ff")).isEqualTo("\\\\x00ff");
    assertThat(escaped("\n")).isEqualTo("\\n");
  }

  @Test
  void aRowIsItsValuesBetweenTabsEndedByANewlineAndOnlyTheColumnsAsked() {
    byte[] row = rowBytes(new String[] {"k\t1", null, "{\"a\": 1}", "not a column"}, 3);

    assertThat(new String(row, StandardCharsets.UTF_8)).isEqualTo("k\\t1\t\\N\t{\"a\": 1}\n");
  }

  @Test
  void aSurrogateWithoutItsPairIsAQuestionMarkAsStringGetBytesWritesIt() {
    assertThat(rowBytes(new String[] {"a\ud83d", "\ude00b", "\ud83d\ude00"}, 3))
        .isEqualTo("a?\t?b\t\ud83d\ude00\n".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void textHeldAsUtf8BytesIsEscapedAsItsStringIs() {
    String text = "{\"a\": \"x\\\\y\\u0000 ń \ud83d\ude00\"}\t\r\n";
    assertThat(rowBytes(new CharSequence[] {Utf8Text.encode(text), Utf8Text.encode("")}, 2))
        .isEqualTo(rowBytes(new String[] {text, ""}, 2));
  }

  /**
   * The bytes are those of the form before blocks of bytes: each row escaped into one {@code
   * StringBuilder}, the block made a {@code String} and encoded with {@code getBytes(UTF_8)}.
   * Blocks are sent whenever full, as the COPY writer sends them, so rows cross block boundaries.
   * Values are given as {@code String}s or as their UTF-8 bytes, at random.
   */
  @Test
  void randomRowsGiveTheBytesOfTheStringFormEncoded() {
    CopyTextBlock block = new CopyTextBlock();
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    StringBuilder before = new StringBuilder();
    for (int n = 0; n < 20_000; n++) {
      String[] values = new String[1 + random.nextInt(5)];
      for (int i = 0; i < values.length; i++) {
        values[i] = random.nextInt(10) == 0 ? null : text(random.nextInt(8) == 0 ? 400 : 12);
      }
      int columns = 1 + random.nextInt(values.length);
      appendRowAsBefore(before, values, columns);
      CharSequence[] given = new CharSequence[values.length];
      for (int i = 0; i < values.length; i++) {
        given[i] =
            values[i] != null && random.nextBoolean() ? Utf8Text.encode(values[i]) : values[i];
      }
      block.appendRow(given, columns);
      if (block.isFull()) {
        block.sendTo(sent::write);
      }
    }
    block.sendTo(sent::write);

    byte[] expected = before.toString().getBytes(StandardCharsets.UTF_8);
    assertThat(sent.size()).as("several blocks").isGreaterThan(3 * CopyTextBlock.BLOCK_BYTES);
    if (!java.util.Arrays.equals(sent.toByteArray(), expected)) {
      int at = java.util.Arrays.mismatch(sent.toByteArray(), expected);
      byte[] actual = sent.toByteArray();
      assertThat(HexFormat.of().formatHex(actual, at, Math.min(actual.length, at + 16)))
          .as("bytes from offset %d", at)
          .isEqualTo(HexFormat.of().formatHex(expected, at, Math.min(expected.length, at + 16)));
    }
  }

  private String text(int maxPieces) {
    StringBuilder out = new StringBuilder();
    int n = random.nextInt(maxPieces + 1);
    for (int i = 0; i < n; i++) {
      out.append(random.nextInt(3) == 0 ? PIECES[random.nextInt(PIECES.length)] : "x");
    }
    return out.toString();
  }

  /** The row text as the String form wrote it: the reference the bytes are held to. */
  private static void appendRowAsBefore(StringBuilder block, String[] values, int columnCount) {
    for (int i = 0; i < columnCount; i++) {
      if (i > 0) {
        block.append('\t');
      }
      String value = values[i];
      if (value == null) {
        block.append("\\N");
        continue;
      }
      for (int j = 0; j < value.length(); j++) {
        char c = value.charAt(j);
        switch (c) {
          case '\\' -> block.append("\\\\");
          case '\t' -> block.append("\\t");
          case '\n' -> block.append("\\n");
          case '\r' -> block.append("\\r");
          default -> block.append(c);
        }
      }
    }
    block.append('\n');
  }
}
