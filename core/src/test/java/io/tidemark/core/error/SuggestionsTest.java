package io.tidemark.core.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {

  @Test
  void distanceIsLevenshtein() {
    assertThat(Suggestions.distance("colums", "columns")).isEqualTo(1);
    assertThat(Suggestions.distance("", "abc")).isEqualTo(3);
    assertThat(Suggestions.distance("kitten", "sitting")).isEqualTo(3);
  }

  @Test
  void suggestsTheClosestCandidateOnlyWhenItLooksLikeATypo() {
    List<String> keys = List.of("database", "uri");
    assertThat(Suggestions.closest("databse", keys)).isEqualTo("database");
    assertThat(Suggestions.closest("DataBase", keys)).isEqualTo("database");
    assertThat(Suggestions.closest("completely-different", keys)).isNull();
  }
}
