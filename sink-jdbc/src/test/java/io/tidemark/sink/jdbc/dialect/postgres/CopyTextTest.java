package io.tidemark.sink.jdbc.dialect.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CopyTextTest {

  private static String escaped(String value) {
    StringBuilder out = new StringBuilder();
    CopyText.appendEscaped(out, value);
    return out.toString();
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
    StringBuilder out = new StringBuilder("before|");
    CopyText.appendRow(out, new String[] {"k\t1", null, "{\"a\": 1}", "not a column"}, 3);

    assertThat(out.toString()).isEqualTo("before|k\\t1\t\\N\t{\"a\": 1}\n");
  }
}
