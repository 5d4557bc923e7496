package io.tidemark.source.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.source.mongo.stream.LargeEvents;
import org.junit.jupiter.api.Test;

class ServerVersionTest {

  @Test
  void parsesReleaseAndSuffixedVersions() {
    assertThat(ServerVersion.parse("7.0.12"))
        .extracting(ServerVersion::major, ServerVersion::minor, ServerVersion::patch)
        .containsExactly(7, 0, 12);
    assertThat(ServerVersion.parse("6.0.9-ent").patch()).isEqualTo(9);
    assertThat(ServerVersion.parse("8.0").patch()).isZero();
    assertThat(ServerVersion.parse("unknown").major()).isZero();
    assertThat(ServerVersion.parse(null).major()).isZero();
  }

  @Test
  void largeEventsSplitFromSixPointZeroPointNineAndSevenOn() {
    assertThat(ServerVersion.parse("6.0.8").splitsLargeEvents()).isFalse();
    assertThat(ServerVersion.parse("6.0.9").splitsLargeEvents()).isTrue();
    assertThat(ServerVersion.parse("6.3.2").splitsLargeEvents()).isFalse();
    assertThat(ServerVersion.parse("7.0.0").splitsLargeEvents()).isTrue();
    assertThat(ServerVersion.parse("8.2.1").splitsLargeEvents()).isTrue();
    assertThat(ServerVersion.parse("4.2.0").splitsLargeEvents()).isFalse();
  }

  @Test
  void serversThatCannotSplitButCanMeasureTrimAfterAFailure() {
    assertThat(ServerVersion.parse("7.0.2").largeEvents()).isEqualTo(LargeEvents.SPLIT);
    assertThat(ServerVersion.parse("6.0.8").largeEvents())
        .isEqualTo(LargeEvents.TRIM_AFTER_FAILURE);
    assertThat(ServerVersion.parse("4.4.0").largeEvents())
        .isEqualTo(LargeEvents.TRIM_AFTER_FAILURE);
    assertThat(ServerVersion.parse("4.2.24").largeEvents())
        .isEqualTo(LargeEvents.TRIM_AFTER_FAILURE);
    assertThat(ServerVersion.parse("4.0.28").largeEvents()).isEqualTo(LargeEvents.NONE);
    assertThat(ServerVersion.parse("unknown").largeEvents()).isEqualTo(LargeEvents.NONE);
  }
}
