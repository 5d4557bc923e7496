package io.tidemark.sink.jdbc.read;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {

  @Test
  void memberOrderAndWhitespaceDoNotMatter() {
    assertThat(CanonicalJson.of("{\"b\": 1, \"a\": {\"d\": [1, 2], \"c\": null}}"))
        .isEqualTo(CanonicalJson.of("{\"a\":{\"c\":null,\"d\":[1,2]},\"b\":1}"))
        .isEqualTo("{\"a\":{\"c\":null,\"d\":[1,2]},\"b\":1}");
  }

  @Test
  void numbersCompareByValue() {
    assertThat(CanonicalJson.of("[1, 1.0, 1E+0, 10E-1, 0.10e1]")).isEqualTo("[1,1,1,1,1]");
    assertThat(CanonicalJson.of("[0, 0.0, -0.0]")).isEqualTo("[0,0,0]");
    assertThat(CanonicalJson.of("1.0E20")).isEqualTo(CanonicalJson.of("100000000000000000000"));
    assertThat(CanonicalJson.of("2.5")).isNotEqualTo(CanonicalJson.of("2.50001"));
    assertThat(CanonicalJson.number(new BigDecimal("123.4500"))).isEqualTo("123.45");
  }

  @Test
  void arrayOrderMatters() {
    assertThat(CanonicalJson.of("[1,2]")).isNotEqualTo(CanonicalJson.of("[2,1]"));
  }

  @Test
  void aLaterDuplicateMemberWinsAsInJsonb() {
    assertThat(CanonicalJson.of("{\"a\":1,\"a\":2}")).isEqualTo("{\"a\":2}");
  }

  @Test
  void stringsKeepEveryCharacter() {
    assertThat(CanonicalJson.of("\"tab\\there \\\"q\\\" \\u00e9\\n\""))
        .isEqualTo("\"tab\\u0009here \\\"q\\\" é\\u000a\"");
    assertThat(CanonicalJson.of("\"1\"")).isNotEqualTo(CanonicalJson.of("1"));
  }

  @Test
  void textThatIsNotJsonComparesOnlyToItself() {
    assertThat(CanonicalJson.of("{oops")).isEqualTo("!{oops");
    assertThat(CanonicalJson.of("1 2")).isEqualTo("!1 2");
    assertThat(CanonicalJson.of("")).isEqualTo("!");
  }
}
