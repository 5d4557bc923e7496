package io.tidemark.core.pipeline;

import static io.tidemark.core.pipeline.PipelineFixtures.COLLECTION;
import static io.tidemark.core.pipeline.PipelineFixtures.row;
import static io.tidemark.core.pipeline.PipelineFixtures.upsert;
import static io.tidemark.core.pipeline.PipelineRunner.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tidemark.core.event.ChangeEvent;
import io.tidemark.core.event.Operation;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.Position;
import io.tidemark.core.spi.ChangeSink.Target;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A sink commit that takes long (a lock wait) while the attempt that started it fails: no batch of
 * the collection starts before that commit has landed or failed, so an older state can never be
 * written after a newer one.
 */
@Timeout(30)
class CommitWaitTest {
  private static final Position START = new Position("start", new ClusterTime(50, 0));
  private static final Duration REPORT = Duration.ofMillis(50);

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final FakeSource source = new FakeSource(COLLECTION);
  private final FakeSink sink = new FakeSink().streamingFrom(START);
  private final PipelineRunner runner = new PipelineRunner();
  private final AtomicInteger reports = new AtomicInteger();

  @AfterEach
  void stopPipelines() {
    runner.close();
  }

  private CollectionPipeline pipeline() {
    PhaseListener countReports =
        new PhaseListener() {
          @Override
          public void commitStillRunning(String collection, Duration running) {
            reports.incrementAndGet();
          }
        };
    return PipelineFixtures.pipeline(
        source,
        sink,
        registry,
        countReports,
        new PipelineTimings(REPORT, PipelineTimings.DEFAULT.creationPollInterval()));
  }

  @Test
  void noRetryStartsWhileTheFailedAttemptsCommitMayStillLand() throws Exception {
    ChangeEvent older = upsert(Operation.INSERT, "a", 60, 1);
    ChangeEvent newer = upsert(Operation.UPDATE, "a", 61, 2);
    source.events.addAll(List.of(older, newer));
    FakeSink.Gate commits = sink.hold("applyBatch", Target.LIVE);
    // The first cursor fails before the newer event, once the older one's commit is held.
    source.failStreamAt = 1;
    source.failStreamWhen = commits::entered;
    runner.start(pipeline());

    try {
      commits.awaitEntered();
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (reports.get() < 3 && source.streamOpens.size() < 2 && sink.overlaps().isEmpty()) {
        assertThat(System.nanoTime())
            .as("three reports of the running commit")
            .isLessThan(deadline);
        Thread.sleep(5);
      }
      assertThat(source.streamOpens)
          .as("streams opened while the failed attempt's commit was still running")
          .containsExactly(START);
      // The wait is visible: the gauge shows how long the commit has been running.
      assertThat(registry.get(PipelineMetrics.COMMIT_RUNNING).gauge().value())
          .isGreaterThanOrEqualTo(0.1);
    } finally {
      commits.release();
    }

    sink.awaitPosition(newer.position());
    assertThat(sink.overlaps()).isEmpty();
    assertThat(sink.batches())
        .extracting(FakeSink.Batch::position)
        .containsExactly(older.position(), newer.position());
    assertThat(sink.table()).containsExactly(Map.entry("a", row("a", 2)));
  }
}
