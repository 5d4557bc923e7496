package io.tidemark.core.pipeline;

import static io.tidemark.core.pipeline.PipelineFixtures.COLLECTION;
import static io.tidemark.core.pipeline.PipelineFixtures.WITH_V;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.event.ChangeEvent;
import io.tidemark.core.event.Operation;
import io.tidemark.core.pipeline.ScriptedStop.Seen;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.Position;
import io.tidemark.core.spi.ChangeSink.Target;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One stream attempt of one collection, with its stop signal scripted thread by thread. */
@Timeout(30)
class StreamApplierTest {
  private static final Position START = new Position("start", new ClusterTime(50, 0));

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final FakeSink sink = new FakeSink().streamingFrom(START);
  private final FakeSource source = new FakeSource(COLLECTION);

  private StreamApplier applier(ScriptedStop stop, PhaseListener listener) {
    var config = PipelineFixtures.config(WITH_V, 2, 100, Duration.ofSeconds(10), 1);
    PipelineContext ctx = PipelineFixtures.context(source, sink, config, registry, stop, listener);
    return new StreamApplier(ctx, sink.open(ctx.mapping(), Target.LIVE));
  }

  /** Streams on a thread of its own; fails when the attempt does not end within five seconds. */
  private static void streamReturning(StreamApplier applier) throws Exception {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              try {
                applier.stream(START, null);
              } catch (Throwable e) {
                failure.set(e);
              }
            },
            "test-stream");
    t.setDaemon(true);
    t.start();
    t.join(5000);
    assertThat(t.isAlive())
        .as("the stream attempt ended (its writer does not poll a queue its reader has finished)")
        .isFalse();
    if (failure.get() instanceof Exception e) {
      throw e;
    }
  }

  @Test
  void aPauseSeenOnlyByTheReaderEndsTheAttemptInsteadOfLeavingTheWriterWithoutReader()
      throws Exception {
    ChangeEvent first = PipelineFixtures.upsert(Operation.INSERT, "a", 60, 1);
    source.events.add(first);
    ScriptedStop stop = new ScriptedStop(Seen.ONCE, Seen.NEVER);
    PhaseListener pauseOnceCommitted =
        new PhaseListener() {
          @Override
          public void streamBatchCommitted(String collection, int events, Position position) {
            stop.arm(first.position().equals(position));
          }
        };

    streamReturning(applier(stop, pauseOnceCommitted));

    assertThat(sink.position()).isEqualTo(first.position());
    assertThat(sink.table()).containsOnlyKeys("a");
  }

  @Test
  void aFailedCommitEndsTheAttemptEvenWhenTheStreamThenGoesQuiet() {
    source.events.add(PipelineFixtures.upsert(Operation.INSERT, "a", 60, 1));
    sink.failNext(
        "applyBatch",
        Target.LIVE,
        new TidemarkException(ErrorCode.SINK_FAILED, "permission denied for table (test)"));
    StreamApplier applier = applier(new ScriptedStop(Seen.NEVER, Seen.NEVER), PhaseListener.NONE);

    assertThatThrownBy(() -> streamReturning(applier))
        .isInstanceOf(TidemarkException.class)
        .hasMessage("permission denied for table (test)");
    assertThat(sink.position()).isEqualTo(START);
  }
}
