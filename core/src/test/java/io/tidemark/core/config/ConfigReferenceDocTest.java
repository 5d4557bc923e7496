package io.tidemark.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The committed configuration reference must be exactly what the key declarations generate. */
class ConfigReferenceDocTest {

  @Test
  void committedReferenceMatchesTheDeclarations() throws Exception {
    Path doc = Path.of("..", "docs", "configuration.md");
    assertThat(Files.readString(doc))
        .as(
            "docs/configuration.md is out of date; regenerate it with: ./mvnw -q -pl core"
                + " exec:java -Dexec.mainClass=io.tidemark.core.config.ConfigReference"
                + " -Dexec.args=docs/configuration.md")
        .isEqualTo(ConfigReference.markdown());
  }

  @Test
  void everyDeclaredKeyAppearsInTheReference() {
    String reference = ConfigReference.markdown();
    for (ConfigKey key : ConfigKeys.ALL) {
      assertThat(reference).contains("`" + key.path() + "`");
    }
  }
}
