package io.tidemark.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExitCodesTest {

  private static int exitCodeOf(ErrorCode code, String databaseCode) {
    return ExitCodes.of(new TidemarkException(code, "m", databaseCode, null));
  }

  /**
   * Every error the engine would retry means "try again later", which is exit code 3: a service
   * manager restarts on it, and scripts wait and retry. Exit code 1 is kept for what waiting will
   * not fix.
   */
  @Test
  void everyErrorCodeHasTheExitCodeAUserActsOn() {
    Map<ErrorCode, Integer> exitCodes = new EnumMap<>(ErrorCode.class);
    for (ErrorCode code : ErrorCode.values()) {
      exitCodes.put(code, exitCodeOf(code, null));
    }

    assertThat(exitCodes)
        .containsEntry(ErrorCode.CONFIG_INVALID, ExitCodes.CONFIG)
        .containsEntry(ErrorCode.SOURCE_UNAVAILABLE, ExitCodes.UNAVAILABLE)
        .containsEntry(ErrorCode.SINK_UNAVAILABLE, ExitCodes.UNAVAILABLE)
        .containsEntry(ErrorCode.SINK_CONFLICT, ExitCodes.UNAVAILABLE)
        .containsEntry(ErrorCode.LOCK_HELD, ExitCodes.LOCKED)
        .containsEntry(ErrorCode.SOURCE_FAILED, ExitCodes.FAILED)
        .containsEntry(ErrorCode.HISTORY_LOST, ExitCodes.FAILED)
        .containsEntry(ErrorCode.COLLECTION_INVALIDATED, ExitCodes.FAILED)
        .containsEntry(ErrorCode.SINK_FAILED, ExitCodes.FAILED)
        .containsEntry(ErrorCode.MAPPING_FAILED, ExitCodes.FAILED)
        .containsEntry(ErrorCode.INTERNAL, ExitCodes.FAILED)
        .hasSize(ErrorCode.values().length);
    for (ErrorCode code : ErrorCode.values()) {
      if (code.retriable()) {
        assertThat(exitCodes.get(code)).as(code.name()).isEqualTo(ExitCodes.UNAVAILABLE);
      }
    }
  }

  @Test
  void aRefusedLoginIsUnavailableWhateverItsCode() {
    assertThat(exitCodeOf(ErrorCode.SINK_FAILED, "28P01")).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(exitCodeOf(ErrorCode.SOURCE_FAILED, "18")).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(exitCodeOf(ErrorCode.SINK_FAILED, "42501")).isEqualTo(ExitCodes.FAILED);
  }
}
