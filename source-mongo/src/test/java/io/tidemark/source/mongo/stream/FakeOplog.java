package io.tidemark.source.mongo.stream;

import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.Position;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.RawBsonDocument;

/**
 * A change log for testing the readers of change streams without a server: entries in time order,
 * and cursors over them on one collection or on a set of collections of a database, started at a
 * time (inclusive) or after an event's token. A cursor answers one change per {@code tryNext()};
 * with none left it answers null and moves its resume token to the newest entry (a post-batch
 * token). Tokens start with 0x82 and the 8-byte time, as MongoDB's do, so the production decoder
 * reads their times. Thread-safe.
 */
final class FakeOplog {
  static final String DATABASE = "shop";

  /** One write: at a time, to a collection, of a document id. */
  record Entry(ClusterTime time, int sequence, String collection, String type, int id) {
    BsonDocument token() {
      return token(time, "80" + String.format("%08x", sequence));
    }

    static BsonDocument token(ClusterTime time, String suffix) {
      byte[] bytes = new byte[8];
      for (int i = 0; i < 4; i++) {
        bytes[i] = (byte) (time.seconds() >>> (24 - 8 * i));
        bytes[4 + i] = (byte) (time.increment() >>> (24 - 8 * i));
      }
      return new BsonDocument(
          "_data", new BsonString("82" + HexFormat.of().formatHex(bytes).toUpperCase() + suffix));
    }

    ChangeStreamDocument<RawBsonDocument> change() {
      BsonDocument key = new BsonDocument("_id", new BsonInt32(id));
      RawBsonDocument full =
          type.equals("delete")
              ? null
              : RawBsonDocument.parse("{\"_id\": " + id + ", \"seq\": " + sequence + "}");
      BsonDocument ns =
          new BsonDocument("db", new BsonString(DATABASE))
              .append("coll", new BsonString(collection));
      return new ChangeStreamDocument<>(
          type,
          token(),
          ns,
          null,
          null,
          full,
          null,
          key,
          new BsonTimestamp((int) time.seconds(), (int) time.increment()),
          null,
          null,
          null,
          null,
          null,
          null);
    }
  }

  private final List<Entry> entries = new ArrayList<>();
  final AtomicInteger databaseStreamsOpened = new AtomicInteger();
  final AtomicInteger ownStreamsOpened = new AtomicInteger();
  final AtomicInteger entriesExamined = new AtomicInteger();

  /** Runs on a database stream's reading thread after it read a change, before it returns it. */
  volatile java.util.function.Consumer<Entry> beforeDatabaseChange = e -> {};

  /** Appends a write at its own new time; returns it. */
  synchronized Entry write(String collection, String type, int id) {
    long seconds = entries.isEmpty() ? 100 : newest().seconds() + 1;
    return writeAt(new ClusterTime(seconds, 1), collection, type, id);
  }

  /** Appends a write at a given time (several may share one, as a transaction's do). */
  synchronized Entry writeAt(ClusterTime time, String collection, String type, int id) {
    Entry entry = new Entry(time, entries.size(), collection, type, id);
    entries.add(entry);
    return entry;
  }

  synchronized ClusterTime newest() {
    return entries.isEmpty() ? new ClusterTime(1, 0) : entries.get(entries.size() - 1).time();
  }

  /** The database stream over these collections, from a time (inclusive). */
  RawChangeStream openDatabase(Set<String> collections, ClusterTime startAt) {
    databaseStreamsOpened.incrementAndGet();
    return new RawChangeStream(
        cursor(e -> collections.contains(e.collection()), startAt, null, true), null);
  }

  /** One collection's own stream, from a saved position. */
  MongoChangeCursor openOwn(String collection, Position from) {
    ownStreamsOpened.incrementAndGet();
    MongoPositions.Parsed parsed = MongoPositions.parse(from);
    BsonDocument after =
        parsed.mode() == MongoPositions.Mode.START_AT ? null : parsed.resumeToken();
    return new MongoChangeCursor(
        cursor(e -> e.collection().equals(collection), from.clusterTime(), after, false),
        collection,
        (id, time) -> null,
        from.clusterTime());
  }

  @SuppressWarnings("unchecked")
  private MongoChangeStreamCursor<ChangeStreamDocument<RawBsonDocument>> cursor(
      Predicate<Entry> seen, ClusterTime startAt, BsonDocument resumeAfter, boolean database) {
    int[] next = {firstIndex(startAt, resumeAfter)};
    BsonDocument[] token = {resumeAfter};
    return (MongoChangeStreamCursor<ChangeStreamDocument<RawBsonDocument>>)
        Proxy.newProxyInstance(
            FakeOplog.class.getClassLoader(),
            new Class<?>[] {MongoChangeStreamCursor.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "tryNext" -> {
                    Entry found = next(next, seen);
                    if (found == null) {
                      synchronized (this) {
                        if (!entries.isEmpty()) {
                          token[0] = Entry.token(newest(), "00"); // a post-batch token
                        }
                      }
                      yield null;
                    }
                    if (database) {
                      beforeDatabaseChange.accept(found); // outside the log's lock: it may wait
                    }
                    token[0] = found.token();
                    yield found.change();
                  }
                  case "available" -> 0;
                  case "getResumeToken" -> token[0];
                  case "close" -> null;
                  default -> null;
                });
  }

  private synchronized Entry next(int[] next, Predicate<Entry> seen) {
    while (next[0] < entries.size()) {
      Entry e = entries.get(next[0]++);
      entriesExamined.incrementAndGet();
      if (seen.test(e)) {
        return e;
      }
    }
    return null;
  }

  private synchronized int firstIndex(ClusterTime startAt, BsonDocument resumeAfter) {
    for (int i = 0; i < entries.size(); i++) {
      if (resumeAfter != null && entries.get(i).token().equals(resumeAfter)) {
        return i + 1;
      }
    }
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i).time().compareTo(startAt) >= 0) {
        return i;
      }
    }
    return entries.size();
  }
}
