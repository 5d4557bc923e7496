package io.tidemark.app.bench;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tidemark.core.config.TidemarkConfig;
import io.tidemark.core.config.TidemarkConfig.SourceConfig;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.pipeline.CollectionPipeline;
import io.tidemark.core.pipeline.CollectionState;
import io.tidemark.core.position.Position;
import io.tidemark.harness.standin.StandInMongo;
import io.tidemark.sink.jdbc.write.JdbcChangeSink;
import io.tidemark.source.mongo.MongoChangeSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonTimestamp;

/**
 * End-to-end lag on the MongoDB stand-in: one thread inserts documents at a steady rate while
 * Tidemark (the real engine, MongoDB source and JDBC sink) streams them into PostgreSQL, and
 * another thread polls the table for the newest key. A document's lag is the time from just before
 * its insert to the first poll that sees it; since one writer inserts ids in order and Tidemark
 * commits in stream order, the newest visible id proves every earlier one visible too.
 *
 * <p>The stand-in is an in-process Java server, not MongoDB: these are stand-in figures. It keeps
 * every document and oplog entry as Java objects (about 14 KB of heap for one of the benchmark's 1
 * KB documents) and takes about 0.4 to 0.7 ms to insert one, which would both overflow a 256 MB
 * heap within seconds and hold one writer below 2,000 writes/s. So the probe writes small documents
 * (about 200 bytes) and trims the stand-in's oplog behind Tidemark's committed position; the
 * engine's per-event cost is microseconds either way, far below the latency measured.
 */
final class LagProbe {
  private static final String COLLECTION = "lag";
  private static final long POLL_MICROS = 2_000;
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);

  /** Most overdue documents sent in one insertMany when the writer has fallen behind its pace. */
  private static final int MAX_CATCH_UP = 100;

  /** What the probe saw; lags in milliseconds. */
  record Result(
      long writes, double seconds, double achievedRate, double p50, double p99, double max) {}

  private final BenchDatabase db;
  private final TidemarkConfig config;

  LagProbe(BenchDatabase db, TidemarkConfig config) {
    this.db = db;
    this.config = config;
  }

  /** Writes for {@code warmupSeconds} (not counted), then for {@code seconds} at {@code rate}. */
  Result run(String table, int rate, int warmupSeconds, int seconds) throws Exception {
    int warmup = warmupSeconds * rate;
    int total = warmup + seconds * rate;
    long[] written = new long[total];
    long[] visible = new long[total];
    try (StandInMongo mongo = StandInMongo.start();
        MongoClient client = MongoClients.create(mongo.connectionString())) {
      client.getDatabase("bench").createCollection(COLLECTION);
      MongoCollection<BsonDocument> target =
          client.getDatabase("bench").getCollection(COLLECTION, BsonDocument.class);
      MongoChangeSource source =
          MongoChangeSource.open(
              new SourceConfig(mongo.connectionString(), "bench", config.source().streamScope()));
      JdbcChangeSink sink =
          JdbcChangeSink.openWriter(db.sinkConfig(config.sink().poolSize()), "bench-lag");
      CollectionPipeline pipeline =
          new CollectionPipeline(
              TableMapping.defaultFor(COLLECTION, table),
              source,
              sink,
              config,
              new SimpleMeterRegistry());
      Thread engine = new Thread(pipeline, "tidemark-bench-lag");
      engine.start();
      Poller poller = new Poller(table, visible);
      try {
        awaitStreaming(pipeline);
        poller.start();
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime();
        long nextTrim = start;
        int seq = 0;
        while (seq < total) {
          long now = System.nanoTime();
          long due = Math.min(total, (now - start) / interval + 1);
          if (due <= seq) {
            LockSupport.parkNanos(start + seq * interval - now);
            continue;
          }
          // On pace this writes one document; behind pace, the overdue ones in one request.
          int n = (int) Math.min(MAX_CATCH_UP, due - seq);
          List<BsonDocument> batch = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            batch.add(document(seq + i));
          }
          long callStart = System.nanoTime();
          for (int i = 0; i < n; i++) {
            written[seq + i] = callStart;
          }
          if (n == 1) {
            target.insertOne(batch.get(0));
          } else {
            target.insertMany(batch);
          }
          seq += n;
          if (callStart >= nextTrim) {
            trimOplog(mongo, pipeline);
            nextTrim = callStart + TimeUnit.SECONDS.toNanos(1);
          }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        poller.awaitSeen(total - 1, DRAIN_TIMEOUT);
        double[] lags = new double[total - warmup];
        for (int i = warmup; i < total; i++) {
          lags[i - warmup] = (visible[i] - written[i]) / 1e6;
        }
        Arrays.sort(lags);
        return new Result(
            lags.length,
            elapsed,
            total / elapsed,
            percentile(lags, 0.50),
            percentile(lags, 0.99),
            lags[lags.length - 1]);
      } finally {
        poller.stop();
        pipeline.stop();
        engine.join(TimeUnit.SECONDS.toMillis(30));
        source.close();
        sink.close();
      }
    }
  }

  /** A small document carrying its sequence number and write time. */
  private static BsonDocument document(long seq) {
    return new BsonDocument("_id", new BsonObjectId(BenchDocuments.objectId(seq)))
        .append("seq", new BsonInt64(seq))
        .append("writtenAt", new BsonDateTime(System.currentTimeMillis()))
        .append(
            "probe",
            new BsonDocument("host", new BsonString("bench")).append("writer", new BsonInt32(1)))
        .append(
            "note",
            new BsonString("end-to-end lag probe document; small on purpose (see LagProbe)"));
  }

  /** Drops the stand-in's oplog entries the pipeline has committed past, to bound its memory. */
  private static void trimOplog(StandInMongo mongo, CollectionPipeline pipeline) {
    Position committed = pipeline.status().position();
    if (committed != null) {
      mongo.truncateOplogBefore(new BsonTimestamp(committed.clusterTime().packed()));
    }
  }

  private static void awaitStreaming(CollectionPipeline pipeline) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (pipeline.status().state() != CollectionState.STREAMING) {
      if (pipeline.status().state() == CollectionState.FAILED || System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the lag probe's pipeline did not start streaming: " + pipeline.status().lastError());
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }

  private static double percentile(double[] sorted, double p) {
    int index = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  /** Polls the newest key and stamps every id up to it with the time it was first seen. */
  private final class Poller implements Runnable {
    private final String table;
    private final long[] visible;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long seen = -1;
    private volatile Exception failure;

    Poller(String table, long[] visible) {
      this.table = table;
      this.visible = visible;
      this.thread = new Thread(this, "tidemark-bench-lag-poll");
      thread.setDaemon(true);
    }

    void start() {
      thread.start();
    }

    @Override
    public void run() {
      String sql = "SELECT max(\"_id\") FROM " + BenchDatabase.qualified(table);
      try (Connection c = db.connect();
          PreparedStatement ps = c.prepareStatement(sql)) {
        while (running) {
          String newest;
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            newest = rs.getString(1);
          }
          long now = System.nanoTime();
          if (newest != null) {
            long id = Math.min(BenchDocuments.idOf(newest), visible.length - 1);
            for (long s = seen + 1; s <= id; s++) {
              visible[(int) s] = now;
            }
            if (id > seen) {
              seen = id;
            }
          }
          LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(POLL_MICROS));
        }
      } catch (Exception e) {
        failure = e;
      }
    }

    void awaitSeen(long id, Duration timeout) throws Exception {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (seen < id) {
        if (failure != null) {
          throw failure;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "only "
                  + (seen + 1)
                  + " of "
                  + (id + 1)
                  + " lag-probe rows became visible in "
                  + timeout.toSeconds()
                  + " s");
        }
        TimeUnit.MILLISECONDS.sleep(5);
      }
    }

    void stop() throws InterruptedException {
      running = false;
      thread.join(TimeUnit.SECONDS.toMillis(5));
    }
  }
}
