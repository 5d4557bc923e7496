package io.tidemark.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.HistoryWindow;
import io.tidemark.core.position.Position;
import io.tidemark.core.spi.ChangeSource;
import io.tidemark.core.spi.CollectionSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HistoryWindowMonitorTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicReference<Optional<HistoryWindow>> window =
      new AtomicReference<>(Optional.empty());

  private final ChangeSource source =
      new ChangeSource() {
        @Override
        public CollectionSource collection(String name) {
          throw new UnsupportedOperationException("the monitor reads no collection");
        }

        @Override
        public Optional<HistoryWindow> historyWindow() {
          return window.get();
        }

        @Override
        public void close() {}
      };

  private static CollectionStatus at(String collection, long seconds) {
    Position p = new Position("t", new ClusterTime(seconds, 0));
    return new CollectionStatus(
        collection, collection, CollectionState.STREAMING, 0, 0, 0, 0, 0, p, null, null, null);
  }

  private double gauge(String name, String collection) {
    var search = registry.find(name);
    if (collection != null) {
      search = search.tag("collection", collection);
    }
    return search.gauge().value();
  }

  @Test
  void measuresHeadroomOfEachCheckpointAgainstTheOplogWindow() {
    HistoryWindowMonitor monitor =
        new HistoryWindowMonitor(
            source,
            List.of("fresh", "old"),
            () -> List.of(at("fresh", 1_900), at("old", 1_100)),
            registry);
    window.set(
        Optional.of(new HistoryWindow(new ClusterTime(1_000, 0), new ClusterTime(2_000, 0))));

    monitor.check();

    assertThat(gauge(HistoryWindowMonitor.WINDOW, null)).isEqualTo(1_000);
    assertThat(gauge(HistoryWindowMonitor.HEADROOM, "fresh")).isEqualTo(900);
    assertThat(gauge(HistoryWindowMonitor.HEADROOM, "old"))
        .as("within 20%% of the window: warned")
        .isEqualTo(100);
  }

  @Test
  void anUnreadableWindowLeavesTheGaugesUnknown() {
    HistoryWindowMonitor monitor =
        new HistoryWindowMonitor(source, List.of("c"), () -> List.of(at("c", 5)), registry);

    monitor.check();

    assertThat(gauge(HistoryWindowMonitor.WINDOW, null)).isEqualTo(-1);
    assertThat(gauge(HistoryWindowMonitor.HEADROOM, "c")).isEqualTo(-1);
  }
}
