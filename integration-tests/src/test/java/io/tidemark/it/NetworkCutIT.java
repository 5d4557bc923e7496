package io.tidemark.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.mongodb.ConnectionString;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tidemark.app.Daemon;
import io.tidemark.core.config.YamlConfigLoader;
import io.tidemark.core.logging.LogContext;
import io.tidemark.core.pipeline.CollectionState;
import io.tidemark.core.pipeline.PhaseListener;
import io.tidemark.core.pipeline.PipelineMetrics;
import io.tidemark.harness.net.TcpProxy;
import io.tidemark.it.support.BackgroundWriter;
import io.tidemark.it.support.CounterWorkload;
import io.tidemark.it.support.TestPipeline;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy between the engine and MongoDB drops every connection, twice, while writes continue
 * directly on the server: once during the copy (a find cursor, which the driver does not resume:
 * Tidemark reconnects with backoff and resumes the copy from its last chunk) and once during
 * streaming (the driver resumes the change stream; Tidemark logs the outage). The table must
 * converge, and the log must show the retries.
 */
class NetworkCutIT {
  /** Tidemark's own reconnect during the copy: opening or reading a range's cursor failed. */
  private static boolean isCopyReadFailure(String message) {
    return message.matches(
        "items: items: (opening the copy cursor|reading documents for the copy) failed: MongoDB is"
            + " unreachable.*");
  }

  /** The log lines so far; the appender is written by other threads under its own lock. */
  private static List<String> messages(ListAppender<ILoggingEvent> logs) {
    synchronized (logs) {
      // As the daemon prints it: the collection from the line's context, then the message.
      return logs.list.stream()
          .map(
              e -> {
                String collection = e.getMDCPropertyMap().get(LogContext.COLLECTION);
                return (collection == null ? "" : collection + ": ") + e.getFormattedMessage();
              })
          .toList();
    }
  }

  @Test
  void reconnectsAfterCutsDuringCopyAndStreamingAndConverges() throws Exception {
    TestPipeline p = TestPipeline.create("netcut");
    CounterWorkload workload = new CounterWorkload(p.collection("items"), 5);
    workload.seed(20_000);
    String[] hostPort =
        new ConnectionString(p.mongo().connectionString()).getHosts().get(0).split(":");
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    logs.start();
    root.addAppender(logs);

    BackgroundWriter writer = null;
    try (TcpProxy proxy = TcpProxy.start(hostPort[0], Integer.parseInt(hostPort[1]))) {
      AtomicBoolean cutDuringCopy = new AtomicBoolean();
      PhaseListener cutAfterFirstChunk =
          new PhaseListener() {
            @Override
            public void copyChunkCommitted(String collection, long rowsCopied) {
              if (cutDuringCopy.compareAndSet(false, true)) {
                // Down until the copy has seen it: with ranges read ahead in parallel, a fixed
                // outage could fall entirely between two reads and test nothing.
                proxy.cutFor(Duration.ofSeconds(60));
              }
            }
          };
      String uri =
          "mongodb://127.0.0.1:"
              + proxy.port()
              + "/?serverSelectionTimeoutMS=1000&connectTimeoutMS=1000";
      String yaml =
          p.viaMongoUri(uri).yaml("snapshot: { chunkSize: 500 }\ncollections:\n  - name: items");
      var config = new YamlConfigLoader().parse(yaml, "test configuration");
      try (Daemon daemon = Daemon.start(config, new SimpleMeterRegistry(), cutAfterFirstChunk)) {
        TestPipeline.await(
            () -> messages(logs).stream().anyMatch(NetworkCutIT::isCopyReadFailure),
            Duration.ofSeconds(60),
            () -> "the copy never saw the cut network: " + messages(logs));
        proxy.heal();
        TestPipeline.awaitState(daemon, CollectionState.STREAMING, Duration.ofSeconds(90));
        assertThat(cutDuringCopy).as("the first cut happened during the copy").isTrue();
        writer = BackgroundWriter.start(workload::step, 3);
        Thread.sleep(1500);
        proxy.cutFor(Duration.ofSeconds(4));
        Thread.sleep(5500);
        writer.stop();
        p.awaitMatch("items", "items", Duration.ofSeconds(90));
        assertThat(proxy.cuts()).isEqualTo(2);
        double reconnects =
            daemon
                .registry()
                .get(PipelineMetrics.RECONNECTS)
                .tag("collection", "items")
                .counter()
                .count();
        assertThat(reconnects).as("reconnects counted").isGreaterThanOrEqualTo(1);
        assertThat(TestPipeline.status(daemon, "items").state())
            .isEqualTo(CollectionState.STREAMING);
      }
    } finally {
      if (writer != null) {
        writer.stop();
      }
      root.detachAppender(logs);
    }
    List<String> messages = messages(logs);
    assertThat(messages)
        .as("Tidemark's own reconnect during the copy")
        .anySatisfy(
            m ->
                assertThat(m)
                    .matches(NetworkCutIT::isCopyReadFailure, "a failed read of the copy")
                    .contains("reconnecting from the last committed position in")
                    .contains("(attempt 1)"));
    assertThat(messages)
        .as("the copy resumed from its last chunk")
        .anySatisfy(m -> assertThat(m).startsWith("items: resuming the copy after"));
    assertThat(messages)
        .as("the outage during streaming is logged")
        .anySatisfy(
            m -> assertThat(m).contains("is unreachable").contains("the driver keeps retrying"));
  }
}
