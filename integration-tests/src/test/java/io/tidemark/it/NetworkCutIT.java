package io.tidemark.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.mongodb.ConnectionString;
import io.tidemark.app.Daemon;
import io.tidemark.core.pipeline.CollectionPipeline;
import io.tidemark.core.pipeline.CollectionState;
import io.tidemark.core.pipeline.PipelineMetrics;
import io.tidemark.it.fixture.TcpProxy;
import io.tidemark.it.support.CounterWorkload;
import io.tidemark.it.support.TestPipeline;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy between the engine and MongoDB drops every connection for a few seconds, twice,
 * while writes continue directly on the server. The engine must reconnect by itself, log its
 * retries, and converge.
 */
class NetworkCutIT {

  @Test
  void reconnectsAfterTwoCutsAndConverges() throws Exception {
    TestPipeline p = TestPipeline.create("netcut");
    CounterWorkload workload = new CounterWorkload(p.collection("items"), 5);
    workload.seed(3_000);
    String host = new ConnectionString(p.mongo().connectionString()).getHosts().get(0);
    String[] hostPort = host.split(":");
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Logger pipelineLog = (Logger) LoggerFactory.getLogger(CollectionPipeline.class);
    logs.start();
    pipelineLog.addAppender(logs);

    AtomicBoolean writing = new AtomicBoolean(true);
    Thread writer =
        new Thread(
            () -> {
              while (writing.get()) {
                workload.step();
                try {
                  Thread.sleep(3);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "test-writer");
    try (TcpProxy proxy = TcpProxy.start(hostPort[0], Integer.parseInt(hostPort[1]))) {
      String uri = "mongodb://127.0.0.1:" + proxy.port() + "/?serverSelectionTimeoutMS=2000&connectTimeoutMS=1000";
      String yaml = p.viaMongoUri(uri).yaml("collections:\n  - name: items");
      try (Daemon daemon = p.startDaemon(yaml)) {
        TestPipeline.awaitState(daemon, CollectionState.STREAMING, Duration.ofSeconds(60));
        writer.start();
        for (int cut = 0; cut < 2; cut++) {
          Thread.sleep(1500);
          proxy.cutFor(Duration.ofSeconds(4));
        }
        Thread.sleep(1500);
        writing.set(false);
        writer.join();
        p.awaitMatch("items", "items", Duration.ofSeconds(90));
        TestPipeline.awaitState(daemon, CollectionState.STREAMING, Duration.ofSeconds(30));
        assertThat(proxy.cuts()).isEqualTo(2);
        double reconnects =
            daemon.registry().get(PipelineMetrics.RECONNECTS).tag("collection", "items").counter().count();
        assertThat(reconnects).as("reconnects counted").isGreaterThanOrEqualTo(2);
      }
    } finally {
      writing.set(false);
      if (writer.isAlive()) {
        writer.join();
      }
      pipelineLog.detachAppender(logs);
    }
    List<String> retries =
        logs.list.stream()
            .map(ILoggingEvent::getFormattedMessage)
            .filter(m -> m.contains("reconnecting from the last committed position"))
            .toList();
    assertThat(retries).as("the log shows the retries").hasSizeGreaterThanOrEqualTo(2);
    assertThat(retries.get(0)).contains("items: ").contains("MongoDB is unreachable").contains("attempt 1");
  }
}
