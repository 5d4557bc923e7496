package io.tidemark.it.campaign;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import java.util.concurrent.TimeUnit;

/**
 * What a real replica set does while nobody writes and the stand-in does not: MongoDB's primary
 * writes a no-op to the oplog when no write came for {@code periodicNoopIntervalSecs} (10 s by
 * default, 1 s at the least), so that cluster time, and with it every change stream's post-batch
 * resume token, keeps moving on an idle server ({@code src/mongo/db/repl/noop_writer.cpp}, {@code
 * NoopWriter::_writeNoop}; SERVER-23892). The stand-in has no such writer: once the workload stops,
 * its oplog stands still, and a quiet collection's stream never sees time pass.
 *
 * <p>While the run converges, this writes once a second to a collection no pipeline reads ({@value
 * #COLLECTION}), which moves the stand-in's oplog as the no-ops move a real one; change streams of
 * the configured collections see only their own events, as they would. Started and closed on the
 * run's thread; writes from a thread of its own, the only writer of its collection.
 */
final class PeriodicNoops implements AutoCloseable {
  static final String COLLECTION = "campaign_noop";

  private final Thread thread;
  private volatile boolean closed;

  private PeriodicNoops(MongoDatabase db) {
    this.thread =
        new Thread(
            () -> {
              while (!closed) {
                db.getCollection(COLLECTION)
                    .updateOne(
                        Filters.eq("_id", "noop"),
                        Updates.inc("n", 1),
                        new UpdateOptions().upsert(true));
                try {
                  TimeUnit.SECONDS.sleep(1);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "campaign-periodic-noops");
    thread.setDaemon(true);
  }

  static PeriodicNoops start(MongoDatabase db) {
    PeriodicNoops noops = new PeriodicNoops(db);
    noops.thread.start();
    return noops;
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    thread.interrupt();
    thread.join(5000);
  }
}
