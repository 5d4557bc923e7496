package io.tidemark.source.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoNamespace;
import com.mongodb.client.ChangeStreamIterable;
import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.source.mongo.stream.LargeEvents;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Test;

/**
 * The copy's start time T0 comes from a change stream opened for the purpose, not from a command's
 * operationTime: through mongos {@code ping} answers with the router's cluster time, which may be
 * ahead of what the shards have made durable, and a write between the two would be in neither the
 * copy nor a stream started at T0.
 */
class MongoCollectionSourceTest {

  /** What the fake server answers: ping's operationTime, and the stream's first batch. */
  private record Server(
      BsonTimestamp pingOperationTime,
      ChangeStreamDocument<RawBsonDocument> firstEvent,
      BsonDocument postBatchResumeToken) {}

  private static final List<String> calls = new ArrayList<>();

  private static <T> T proxy(Class<T> type, java.lang.reflect.InvocationHandler handler) {
    return type.cast(
        Proxy.newProxyInstance(
            MongoCollectionSourceTest.class.getClassLoader(), new Class<?>[] {type}, handler));
  }

  @SuppressWarnings("unchecked")
  private static MongoCollectionSource source(Server server) {
    MongoChangeStreamCursor<ChangeStreamDocument<RawBsonDocument>> cursor =
        proxy(
            MongoChangeStreamCursor.class,
            (p, m, a) ->
                switch (m.getName()) {
                  case "tryNext" -> server.firstEvent();
                  case "getResumeToken" ->
                      server.firstEvent() == null ? server.postBatchResumeToken() : null;
                  default -> null;
                });
    ChangeStreamIterable<RawBsonDocument>[] stream = new ChangeStreamIterable[1];
    stream[0] =
        proxy(
            ChangeStreamIterable.class,
            (p, m, a) -> {
              calls.add("watch." + m.getName());
              return m.getName().equals("cursor") ? cursor : stream[0];
            });
    MongoCollection<RawBsonDocument> collection =
        proxy(
            MongoCollection.class,
            (p, m, a) ->
                switch (m.getName()) {
                  case "watch" -> stream[0];
                  case "withReadConcern" -> p;
                  case "getNamespace" -> new MongoNamespace("shop", "orders");
                  default -> null;
                });
    MongoDatabase database =
        proxy(
            MongoDatabase.class,
            (p, m, a) ->
                switch (m.getName()) {
                  case "getCollection" -> collection;
                  case "runCommand" -> {
                    calls.add("runCommand " + a[0]);
                    yield new Document("ok", 1.0)
                        .append("operationTime", server.pingOperationTime());
                  }
                  default -> null;
                });
    MongoClient client = proxy(MongoClient.class, (p, m, a) -> null);
    return new MongoCollectionSource(
        client, database, "orders", Duration.ofMillis(100), LargeEvents.SPLIT, null);
  }

  private static BsonDocument highWaterMark(int seconds, int increment) {
    // A resume token as the server writes it: 0x82, then the timestamp (CHANGE-STREAMS.md §2).
    return new BsonDocument(
        "_data", new BsonString(String.format("82%08X%08X0000000000000000", seconds, increment)));
  }

  @Test
  void t0IsTheStreamsFirstHighWaterMarkNotPingsLaterOperationTime() {
    calls.clear();
    ClusterTime t0 =
        source(
                new Server(
                    new BsonTimestamp(1_700_000_100, 1), null, highWaterMark(1_700_000_000, 7)))
            .captureOperationTime();

    assertThat(t0).isEqualTo(new ClusterTime(1_700_000_000, 7));
    assertThat(calls).noneMatch(c -> c.startsWith("runCommand"));
  }

  @Test
  void whenTheStreamAlreadyHasAnEventT0IsThatEventsTime() {
    ChangeStreamDocument<RawBsonDocument> event =
        new ChangeStreamDocument<>(
            "insert",
            highWaterMark(1_700_000_000, 9),
            null,
            null,
            null,
            null,
            null,
            null,
            new BsonTimestamp(1_700_000_000, 9),
            null,
            null,
            null,
            null,
            null,
            null);

    ClusterTime t0 =
        source(new Server(new BsonTimestamp(1_700_000_100, 1), event, null)).captureOperationTime();

    assertThat(t0).isEqualTo(new ClusterTime(1_700_000_000, 9));
  }

  @Test
  void aStreamWithoutAReadablePositionIsAnErrorNotAGuess() {
    assertThatThrownBy(
            () ->
                source(
                        new Server(
                            new BsonTimestamp(1_700_000_100, 1),
                            null,
                            new BsonDocument("_data", new BsonString("not-a-token"))))
                    .captureOperationTime())
        .isInstanceOfSatisfying(
            TidemarkException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_FAILED))
        .hasMessageContaining("orders:")
        .hasMessageContaining("not-a-token");
  }
}
