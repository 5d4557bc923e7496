package io.tidemark.sink.jdbc.dialect.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArrayLiteralTest {

  private static final List<String> AWKWARD =
      Arrays.asList(
          "plain",
          "",
          "NULL",
          null,
          "quote \" inside",
          "back\\slash and \\\" both",
          "comma, here",
          "{braces}",
          " spaces ",
          "tab\tnewline\n",
          "ünï €");

  @Test
  void formatQuotesEveryElementAndWritesNullBare() {
    assertThat(ArrayLiteral.format(List.of())).isEqualTo("{}");
    assertThat(ArrayLiteral.format(Arrays.asList("a", null, ""))).isEqualTo("{\"a\",NULL,\"\"}");
    assertThat(ArrayLiteral.format(List.of("x\"y\\z"))).isEqualTo("{\"x\\\"y\\\\z\"}");
  }

  @Test
  void parseReadsBackWhatFormatWrote() {
    assertThat(ArrayLiteral.parse(ArrayLiteral.format(AWKWARD))).isEqualTo(AWKWARD);
  }

  @Test
  void parseReadsPostgresOutput() {
    // array_out quotes only where needed and writes NULL bare.
    assertThat(ArrayLiteral.parse("{1,-2,NULL}")).isEqualTo(Arrays.asList("1", "-2", null));
    assertThat(ArrayLiteral.parse("{t,f}")).containsExactly("t", "f");
    assertThat(ArrayLiteral.parse("{\"a b\",\"x\\\"y\",\"back\\\\slash\",\"\",\"NULL\",null}"))
        .isEqualTo(Arrays.asList("a b", "x\"y", "back\\slash", "", "NULL", null));
    assertThat(ArrayLiteral.parse("{}")).isEmpty();
    assertThat(ArrayLiteral.parse(" { 1 , 2 } ")).containsExactly("1", "2");
  }

  @Test
  void parseRefusesWhatIsNotAOneDimensionalLiteral() {
    for (String bad : List.of("1,2", "{1,2", "{{1,2},{3,4}}", "{\"open}", "{1 2\"}", "{1}x")) {
      assertThatThrownBy(() -> ArrayLiteral.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
