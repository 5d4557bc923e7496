package io.tidemark.core.pipeline;

import static io.tidemark.core.pipeline.PipelineFixtures.COLLECTION;
import static io.tidemark.core.pipeline.PipelineFixtures.row;
import static io.tidemark.core.pipeline.PipelineFixtures.upsert;
import static io.tidemark.core.pipeline.PipelineRunner.awaitState;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tidemark.core.event.ChangeEvent;
import io.tidemark.core.event.Operation;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.testing.FakeDocument;
import io.tidemark.core.value.Value;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A configured collection that does not exist in the source yet: it waits (WAITING), then copies
 * and streams from a source time captured while it did not exist, so none of its first documents is
 * missed even by a copy that reads a state older than its stream start.
 */
@Timeout(30)
class WaitingCollectionTest {
  private static final ClusterTime BEFORE_CREATION = new ClusterTime(100, 0);
  private static final ClusterTime AFTER_CREATION = new ClusterTime(110, 0);

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final FakeSource source = new FakeSource(COLLECTION).clock(BEFORE_CREATION);
  private final FakeSink sink = new FakeSink();
  private final PipelineRunner runner = new PipelineRunner();

  @AfterEach
  void stopPipelines() {
    runner.close();
  }

  private CollectionPipeline pipeline() {
    return PipelineFixtures.pipeline(
        source,
        sink,
        registry,
        PhaseListener.NONE,
        new PipelineTimings(PipelineTimings.DEFAULT.commitReportInterval(), Duration.ofMillis(20)));
  }

  @Test
  void aCollectionCreatedAfterTheStartWaitsThenMissesNoneOfItsFirstDocuments() throws Exception {
    source.exists = false;
    CollectionPipeline pipeline = pipeline();
    runner.start(pipeline);

    awaitState(pipeline, CollectionState.WAITING);
    assertThat(sink.log()).noneMatch(l -> l.contains("beginSnapshot"));

    // The application's first insert creates the collection at 105. The copy that follows reads
    // a state that does not show it yet (as a lagging read would): only the stream, started from
    // a time captured before the creation, can bring it.
    ChangeEvent first = upsert(Operation.INSERT, "a", 105, 1);
    source.events.add(first);
    source.exists = true;
    source.clock(AFTER_CREATION);
    ChangeEvent second = upsert(Operation.INSERT, "b", 115, 2);
    source.add(FakeDocument.of("b", "v", new Value.Int32(2)));
    source.events.add(second);

    sink.awaitPosition(second.position());
    assertThat(sink.log()).contains("beginSnapshot orders at 100.0 estimated 1");
    assertThat(sink.table())
        .containsExactly(Map.entry("a", row("a", 1)), Map.entry("b", row("b", 2)));
    awaitState(pipeline, CollectionState.STREAMING);
  }

  @Test
  void aPauseWhileWaitingShowsPausedAndTheWaitGoesOnAfterTheResume() throws Exception {
    source.exists = false;
    CollectionPipeline pipeline = pipeline();
    runner.start(pipeline);
    awaitState(pipeline, CollectionState.WAITING);

    pipeline.pause();
    awaitState(pipeline, CollectionState.PAUSED);
    pipeline.resume();
    awaitState(pipeline, CollectionState.WAITING);
    assertThat(sink.log()).noneMatch(l -> l.contains("beginSnapshot"));
  }
}
