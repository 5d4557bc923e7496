package io.tidemark.core.pipeline;

import java.time.Duration;

/**
 * The engine's fixed waits, in one place so that tests can shorten them.
 *
 * @param commitReportInterval how often a sink commit that is still running is reported while the
 *     collection waits for it
 * @param creationPollInterval how often a collection that does not exist in the source yet is
 *     looked for
 */
record PipelineTimings(Duration commitReportInterval, Duration creationPollInterval) {
  static final PipelineTimings DEFAULT =
      new PipelineTimings(Duration.ofMinutes(1), Duration.ofSeconds(5));
}
