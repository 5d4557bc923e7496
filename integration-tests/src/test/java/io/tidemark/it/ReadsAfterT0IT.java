package io.tidemark.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.WriteConcern;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import io.tidemark.core.config.TidemarkConfig.SourceConfig;
import io.tidemark.core.event.ChangeEvent;
import io.tidemark.core.event.SourceDocument;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.spi.ChangeCursor;
import io.tidemark.core.spi.CollectionSource;
import io.tidemark.core.spi.SnapshotCursor;
import io.tidemark.it.fixture.MongoFixture;
import io.tidemark.it.fixture.RequiresRealMongo;
import io.tidemark.it.support.TestPipeline;
import io.tidemark.source.mongo.MongoChangeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The copy and the by-{@code _id} lookups read majority-committed data at or after T0 (or the
 * event's time), whatever read preference and read concern {@code source.uri} gives: a causally
 * consistent session sends {@code readConcern: {level: majority, afterClusterTime: T}}, and a
 * secondary serves such a read only once it has caught up to T.
 */
class ReadsAfterT0IT {
  private static final Logger log = LoggerFactory.getLogger(ReadsAfterT0IT.class);

  /** Every command the source sends, as sent. */
  private final List<BsonDocument> sent = new CopyOnWriteArrayList<>();

  private final CommandListener recorder =
      new CommandListener() {
        @Override
        public void commandStarted(CommandStartedEvent event) {
          sent.add(event.getCommand().clone());
        }
      };

  /** The URI with more options: read from secondaries, with read concern local. */
  private static String withOptions(String uri, String options) {
    int query = uri.indexOf('?');
    if (query >= 0) {
      return uri + "&" + options;
    }
    int hostsEnd = uri.indexOf('/', "mongodb://".length());
    return (hostsEnd < 0 ? uri + "/" : uri) + "?" + options;
  }

  private static BsonDocument majorityAfter(ClusterTime time) {
    return new BsonDocument("level", new BsonString("majority"))
        .append(
            "afterClusterTime", new BsonTimestamp((int) time.seconds(), (int) time.increment()));
  }

  private BsonDocument lastFind(BsonDocument filter) {
    BsonDocument found = null;
    for (BsonDocument command : sent) {
      if (command.containsKey("find") && filter.equals(command.get("filter"))) {
        found = command;
      }
    }
    assertThat(found).as("a find with filter %s was sent", filter.toJson()).isNotNull();
    return found;
  }

  private static List<String> copyAll(CollectionSource source, ClusterTime t0) {
    List<String> keys = new ArrayList<>();
    try (SnapshotCursor copy = source.openSnapshot(t0, null, null)) {
      for (SourceDocument d = copy.next(); d != null; d = copy.next()) {
        keys.add(d.key().text());
      }
    }
    return keys;
  }

  @Test
  void theCopyAndTheLookupsReadMajorityDataAfterT0WhateverTheUriSays() throws Exception {
    TestPipeline p = TestPipeline.create("reads");
    MongoCollection<Document> orders = p.collection("orders");
    orders.insertMany(List.of(new Document("_id", 1), new Document("_id", 2)));
    String uri =
        withOptions(
            p.mongo().connectionString(),
            "readPreference=secondaryPreferred&readConcernLevel=local");

    try (MongoChangeSource source =
        MongoChangeSource.open(
            new SourceConfig(uri, p.db().getName()), Duration.ofSeconds(10), recorder)) {
      CollectionSource collection = source.collection("orders");
      ClusterTime t0 = collection.captureOperationTime();

      assertThat(copyAll(collection, t0)).containsExactly("1", "2");
      BsonDocument copyFind = lastFind(new BsonDocument());
      assertThat(copyFind.getDocument("readConcern")).isEqualTo(majorityAfter(t0));
      assertThat(copyFind.containsKey("lsid")).as("read in a session").isTrue();

      // An update whose document is gone by the time the stream reads it: the update lookup is
      // empty, and the document is read again by _id after the event's time.
      orders.updateOne(Filters.eq("_id", 1), Updates.set("v", 1));
      orders.deleteOne(Filters.eq("_id", 1));
      ChangeEvent update = null;
      try (ChangeCursor stream = collection.openStream(collection.positionAt(t0))) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (update == null && System.nanoTime() < deadline) {
          ChangeEvent event = stream.tryNext();
          if (event != null && "update of a deleted document".equals(event.description())) {
            update = event;
          }
        }
      }
      assertThat(update).as("the update event, applied as a delete").isNotNull();
      BsonDocument lookup = lastFind(new BsonDocument("_id", new org.bson.BsonInt32(1)));
      assertThat(lookup.getDocument("readConcern"))
          .isEqualTo(majorityAfter(update.position().clusterTime()));
      assertThat(sent)
          .filteredOn(c -> c.containsKey("aggregate") && c.containsKey("pipeline"))
          .as("every change stream reads majority-committed data")
          .isNotEmpty()
          .allSatisfy(
              c ->
                  assertThat(c.getDocument("readConcern").getString("level").getValue())
                      .isEqualTo("majority"));
    }
  }

  @Test
  @RequiresRealMongo("a replica set with a delayed secondary")
  void aCopyFromADelayedSecondaryWaitsForT0InsteadOfMissingWrites() throws Exception {
    MongoFixture mongo = MongoFixture.start();
    Document config =
        mongo
            .client()
            .getDatabase("admin")
            .runCommand(new Document("replSetGetConfig", 1))
            .get("config", Document.class);
    String delayed = null;
    for (Document member : config.getList("members", Document.class)) {
      Number delay = member.get("secondaryDelaySecs", Number.class);
      if (delay != null && delay.intValue() > 0) {
        delayed = member.getString("host");
      }
    }
    if (delayed == null) {
      log.warn(
          "SKIPPED: replica set {} has no member with secondaryDelaySecs > 0; add one (priority 0,"
              + " hidden, secondaryDelaySecs: 5) to run this test",
          config.getString("_id"));
    }
    Assumptions.assumeTrue(
        delayed != null,
        "needs a replica set member with secondaryDelaySecs > 0 in " + config.getString("_id"));

    TestPipeline p = TestPipeline.create("delayed");
    MongoCollection<Document> orders =
        p.collection("orders").withWriteConcern(WriteConcern.MAJORITY);
    orders.insertOne(new Document("_id", "before-t0"));
    String direct =
        withOptions(
            mongo
                .connectionString()
                .replaceFirst("^(mongodb://(?:[^@/]*@)?)[^/?]+", "$1" + delayed),
            "directConnection=true&readPreference=secondaryPreferred&readConcernLevel=local");

    try (MongoChangeSource primary =
            MongoChangeSource.open(
                new SourceConfig(mongo.connectionString(), p.db().getName()),
                Duration.ofSeconds(10));
        MongoChangeSource lagging =
            MongoChangeSource.open(
                new SourceConfig(direct, p.db().getName()), Duration.ofSeconds(10))) {
      ClusterTime t0 = primary.collection("orders").captureOperationTime();

      assertThat(copyAll(lagging.collection("orders"), t0))
          .as("the delayed member serves the copy only once it has reached T0")
          .containsExactly("before-t0");
    }
  }
}
