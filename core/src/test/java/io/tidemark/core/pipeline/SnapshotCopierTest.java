package io.tidemark.core.pipeline;

import static io.tidemark.core.pipeline.PipelineFixtures.COLLECTION;
import static io.tidemark.core.pipeline.PipelineFixtures.WITH_V;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tidemark.core.pipeline.ScriptedStop.Seen;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.spi.ChangeSink.CollectionProgress;
import io.tidemark.core.spi.ChangeSink.SnapshotState;
import io.tidemark.core.spi.ChangeSink.Target;
import io.tidemark.core.testing.FakeDocument;
import io.tidemark.core.value.Value;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A pause and a quick resume during a copy, replayed thread by thread with {@link ScriptedStop}:
 * whatever each thread of the attempt saw, the copy is marked done only when every range is, and no
 * thread waits forever.
 */
@Timeout(30)
class SnapshotCopierTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final FakeSink sink = new FakeSink();

  /** Six documents k00..k05; with {@code splitAt} two ranges. */
  private static FakeSource sixDocuments(List<String> splitAt) {
    FakeSource source = new FakeSource(COLLECTION).operationTimes(new ClusterTime(100, 1));
    for (int i = 0; i < 6; i++) {
      source.add(FakeDocument.of(String.format("k%02d", i), "v", new Value.Int32(i)));
    }
    source.splitKeys = splitAt;
    return source;
  }

  private SnapshotCopier copier(FakeSource source, ScriptedStop stop, PhaseListener listener) {
    // chunks of 2 rows, one worker (it runs on the calling thread)
    var config = PipelineFixtures.config(WITH_V, 2, 100, Duration.ofSeconds(10), 1);
    PipelineContext ctx = PipelineFixtures.context(source, sink, config, registry, stop, listener);
    return new SnapshotCopier(ctx, sink.open(ctx.mapping(), Target.LIVE));
  }

  private CollectionProgress progress() {
    return sink.loadProgress(COLLECTION, Target.LIVE);
  }

  /** Copies on a thread of its own; fails when the copy does not return within five seconds. */
  private static void copyReturning(SnapshotCopier copier, CollectionProgress progress)
      throws Exception {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              try {
                copier.copy(progress);
              } catch (Throwable e) {
                failure.set(e);
              }
            },
            "test-copy");
    t.setDaemon(true);
    t.start();
    t.join(5000);
    assertThat(t.isAlive())
        .as("the copy returned (its worker does not wait on a queue its reader has finished)")
        .isFalse();
    if (failure.get() instanceof Exception e) {
      throw e;
    }
  }

  @Test
  void aPauseSeenOnlyByTheReaderDoesNotMarkAPartlyReadRangeDone() throws Exception {
    FakeSource source = sixDocuments(List.of());
    ScriptedStop stop = new ScriptedStop(Seen.ONCE, Seen.NEVER);
    source.onSnapshotRead = key -> stop.arm(key.equals("k02"));
    SnapshotCopier copier = copier(source, stop, PhaseListener.NONE);

    copier.copy(CollectionProgress.none());
    if (progress().snapshotState() != SnapshotState.DONE) {
      copier.copy(progress()); // the attempt stopped: the next one resumes it
    }

    assertThat(progress().snapshotState()).isEqualTo(SnapshotState.DONE);
    assertThat(sink.table()).containsOnlyKeys("k00", "k01", "k02", "k03", "k04", "k05");
  }

  @Test
  void aWorkerWhoseReaderSawAPauseReturnsAfterTheResume() throws Exception {
    FakeSource source = sixDocuments(List.of());
    ScriptedStop stop = new ScriptedStop(Seen.ALWAYS, Seen.NEVER);
    source.onSnapshotRead = key -> stop.arm(key.equals("k02"));
    SnapshotCopier copier = copier(source, stop, PhaseListener.NONE);

    copyReturning(copier, CollectionProgress.none());

    assertThat(progress().snapshotState()).isEqualTo(SnapshotState.RUNNING);
    stop.disarm();
    copier.copy(progress());
    assertThat(progress().snapshotState()).isEqualTo(SnapshotState.DONE);
    assertThat(sink.table()).hasSize(6);
  }

  @Test
  void aCopyWhoseWorkerSawAPauseIsNotFinishedWhenTheResumeComesFirst() throws Exception {
    FakeSource source = sixDocuments(List.of());
    // a copy in two ranges, begun before a restart: this attempt resumes both, one at a time
    sink.beginSnapshot(COLLECTION, Target.LIVE, new ClusterTime(100, 1), 6, List.of("k02"));
    ScriptedStop stop = new ScriptedStop(Seen.ALWAYS, Seen.ONCE);
    PhaseListener pauseAfterFirstChunk =
        new PhaseListener() {
          @Override
          public void copyChunkCommitted(String collection, long rowsCopied) {
            stop.arm(true);
          }
        };
    SnapshotCopier copier = copier(source, stop, pauseAfterFirstChunk);

    copier.copy(progress());

    assertThat(progress().snapshotState()).isEqualTo(SnapshotState.RUNNING);
    assertThat(sink.log()).noneMatch(l -> l.startsWith("finishSnapshot"));
    stop.disarm();
    copier.copy(progress());
    assertThat(progress().snapshotState()).isEqualTo(SnapshotState.DONE);
    assertThat(progress().ranges()).allMatch(r -> r.done()).hasSize(2);
    assertThat(sink.table()).hasSize(6);
  }
}
