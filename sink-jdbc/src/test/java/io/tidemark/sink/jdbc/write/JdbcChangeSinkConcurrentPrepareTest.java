package io.tidemark.sink.jdbc.write;

import static io.tidemark.sink.jdbc.write.TestRows.ORDERS_WITH_ITEMS;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.core.spi.ChangeSink.Target;
import io.tidemark.sink.jdbc.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Several sinks preparing the same new tables at the same moment, as the tasks of a Kafka Connect
 * sink do when the connector starts: each must find the tables created, by itself or another.
 * PostgreSQL's CREATE TABLE IF NOT EXISTS alone is not safe against a concurrent one (it fails on
 * the catalog's unique index, pg_type_typname_nsp_index), which failed ConnectSinkIT's start.
 */
class JdbcChangeSinkConcurrentPrepareTest {
  private static final TestDatabase db = TestDatabase.shared();
  private static final int SINKS = 4;

  @Test
  void sinksPreparingTheSameNewTablesAtOnceAllSucceed() throws Exception {
    for (int round = 0; round < 5; round++) {
      String schema = TestDatabase.freshName("target");
      String metadataSchema = TestDatabase.freshName("meta");
      List<JdbcChangeSink> sinks = new ArrayList<>();
      for (int i = 0; i < SINKS; i++) {
        sinks.add(JdbcChangeSink.open(db.config(schema, metadataSchema), "concurrent"));
      }
      ExecutorService pool = Executors.newFixedThreadPool(SINKS);
      try {
        CyclicBarrier start = new CyclicBarrier(SINKS);
        List<Future<?>> opens = new ArrayList<>();
        for (JdbcChangeSink sink : sinks) {
          opens.add(
              pool.submit(
                  () -> {
                    start.await();
                    return sink.open(ORDERS_WITH_ITEMS, Target.LIVE);
                  }));
        }
        for (Future<?> open : opens) {
          assertThat(open.get(30, TimeUnit.SECONDS)).isNotNull();
        }
      } finally {
        pool.shutdownNow();
        sinks.forEach(JdbcChangeSink::close);
      }
    }
  }
}
