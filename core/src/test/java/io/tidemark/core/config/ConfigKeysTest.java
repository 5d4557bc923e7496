package io.tidemark.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.core.mapping.OnError;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigKeysTest {

  /**
   * The reference shows each default as text and the binder uses the typed value: both come from
   * one declaration, so the text read back must give the value.
   */
  @Test
  void everyDefaultReadsBackAsItsValue() {
    int checked = 0;
    for (ConfigKey<?> key : ConfigKeys.ALL) {
      if (key.defaultValue() != null) {
        assertThat((Object) key.type().parse(key.defaultText()))
            .as(key.path())
            .isEqualTo(key.defaultValue());
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(20);
  }

  @Test
  void requiredKeysHaveNoDefaultAndDerivedOnesSayHowTheirsIsFound() {
    for (ConfigKey<?> key : ConfigKeys.ALL) {
      if (key.required()) {
        assertThat(key.defaultValue()).as(key.path()).isNull();
      }
    }
    assertThat(ConfigKeys.COLLECTION_TABLE.defaultValue()).isNull();
    assertThat(ConfigKeys.COLLECTION_TABLE.defaultText()).isEqualTo("the collection name");
  }

  @Test
  void durationsAndSizesAreWrittenAsAUserWouldWriteThem() {
    assertThat(ValueType.DURATION_TYPE.write(Duration.ofMillis(200))).isEqualTo("200ms");
    assertThat(ValueType.DURATION_TYPE.write(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(ValueType.DURATION_TYPE.write(Duration.ofMinutes(2))).isEqualTo("2m");
    assertThat(ValueType.DURATION_TYPE.write(Duration.ofHours(24))).isEqualTo("24h");
    assertThat(ValueType.BYTES_TYPE.write(16L << 20)).isEqualTo("16MB");
    assertThat(ValueType.BYTES_TYPE.write(3L << 30)).isEqualTo("3GB");
    assertThat(ValueType.BYTES_TYPE.write(1000L)).isEqualTo("1000");
  }

  @Test
  void anEnumIsReadWithoutRegardToCaseAndARefusalListsTheChoices() {
    ValueType<OnError> type = ValueType.oneOf(OnError.class, "fail", "deadletter");
    assertThat(type.name()).isEqualTo("fail | deadletter");
    assertThat(type.parse(" DeadLetter ")).isEqualTo(OnError.DEADLETTER);
    assertThatThrownBy(() -> type.parse("skip"))
        .isInstanceOf(ValueType.Refused.class)
        .hasMessage("'skip' is not one of: fail, deadletter");
    assertThatThrownBy(() -> ValueType.oneOf(OnError.class, "fail"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
