package io.tidemark.source.mongo.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoCommandException;
import com.mongodb.ServerAddress;
import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.FullDocument;
import io.tidemark.core.event.ChangeEvent;
import io.tidemark.core.event.Operation;
import io.tidemark.core.position.ClusterTime;
import java.lang.reflect.Proxy;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Test;

/**
 * Getting past a change event over 16 MB on a server that cannot split it: the stream is opened
 * again from the last event read, with stages that drop the large parts of an event too large to
 * send, and the document is read by {@code _id}.
 */
class LargeEventsTest {
  private static final BsonTimestamp TIME = new BsonTimestamp(1_700_000_000, 3);
  private static final BsonDocument KEY = new BsonDocument("_id", new BsonInt32(7));
  private static final RawBsonDocument SMALL = RawBsonDocument.parse("{\"_id\": 7, \"v\": 1}");
  private static final RawBsonDocument CURRENT =
      RawBsonDocument.parse("{\"_id\": 7, \"v\": \"current\"}");

  /** One step of a fake cursor: an event, or the server's refusal to send one. */
  private sealed interface Step permits Event, TooLarge {}

  private record Event(ChangeStreamDocument<RawBsonDocument> change) implements Step {}

  private record TooLarge() implements Step {}

  private static ChangeStreamDocument<RawBsonDocument> change(
      String type, String token, RawBsonDocument full, BsonDocument extra) {
    return new ChangeStreamDocument<>(
        type,
        new BsonDocument("_data", new BsonString(token)),
        null,
        null,
        null,
        full,
        null,
        KEY,
        TIME,
        null,
        null,
        null,
        null,
        null,
        extra);
  }

  @SuppressWarnings("unchecked")
  private static MongoChangeStreamCursor<ChangeStreamDocument<RawBsonDocument>> cursor(
      Step... steps) {
    Deque<Step> left = new ArrayDeque<>(List.of(steps));
    BsonDocument[] token = {null};
    return (MongoChangeStreamCursor<ChangeStreamDocument<RawBsonDocument>>)
        Proxy.newProxyInstance(
            LargeEventsTest.class.getClassLoader(),
            new Class<?>[] {MongoChangeStreamCursor.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "tryNext" -> {
                    Step step = left.poll();
                    if (step instanceof TooLarge) {
                      throw new MongoCommandException(
                          BsonDocument.parse(
                              "{\"ok\": 0, \"code\": 10334, \"codeName\": \"BSONObjectTooLarge\","
                                  + " \"errmsg\": \"BSONObj size: 17000000 is invalid\"}"),
                          new ServerAddress());
                    }
                    ChangeStreamDocument<RawBsonDocument> next =
                        step == null ? null : ((Event) step).change();
                    if (next != null) {
                      token[0] = next.getResumeToken();
                    }
                    yield next;
                  }
                  case "getResumeToken" -> token[0];
                  default -> null;
                });
  }

  /** Lookups by _id, each answered with {@link #CURRENT}: the _id and the time asked for. */
  private final List<String> lookups = new ArrayList<>();

  private final DocumentLookup current =
      (id, time) -> {
        lookups.add(id + " after " + time);
        return CURRENT;
      };

  /** A stream reopened by the cursor: after which token, and whether stripped of documents. */
  private record Reopened(BsonDocument after, boolean stripped) {}

  @Test
  void anEventTooLargeToSendIsReadByIdFromAStrippedStreamThenTheStreamIsNormalAgain() {
    List<Reopened> reopened = new ArrayList<>();
    MongoChangeStreamCursor<ChangeStreamDocument<RawBsonDocument>> stripped =
        cursor(new Event(change("update", "t2", null, null)));
    MongoChangeStreamCursor<ChangeStreamDocument<RawBsonDocument>> normalAgain =
        cursor(new Event(change("insert", "t3", SMALL, null)));
    MongoChangeCursor changes =
        new MongoChangeCursor(
            cursor(new Event(change("insert", "t1", SMALL, null)), new TooLarge()),
            "orders",
            current,
            new ClusterTime(1, 0),
            (token, strip) -> {
              reopened.add(new Reopened(token, strip));
              return strip ? stripped : normalAgain;
            });

    assertThat(changes.tryNext().position().token()).contains("t1");
    ChangeEvent large = changes.tryNext();
    ChangeEvent next = changes.tryNext();

    assertThat(large.operation()).isEqualTo(Operation.UPDATE);
    assertThat(large.document().toJson()).as("read by _id").contains("current");
    assertThat(lookups)
        .as("read after the event's own time")
        .containsExactly("BsonInt32{value=7} after " + large.position().clusterTime());
    assertThat(large.position().token()).contains("t2");
    assertThat(next.position().token()).contains("t3");
    assertThat(next.document().toJson())
        .as("the normal stream's own document")
        .contains("\"v\": 1");
    assertThat(reopened)
        .containsExactly(
            new Reopened(new BsonDocument("_data", new BsonString("t1")), true),
            new Reopened(new BsonDocument("_data", new BsonString("t2")), false));
  }

  @Test
  void aStrippedStreamThatStillFailsIsPassedOn() {
    MongoChangeCursor changes =
        new MongoChangeCursor(
            cursor(new TooLarge()),
            "orders",
            current,
            new ClusterTime(1, 0),
            (token, strip) -> cursor(new TooLarge()));

    assertThatThrownBy(changes::tryNext)
        .isInstanceOfSatisfying(
            MongoCommandException.class, e -> assertThat(e.getErrorCode()).isEqualTo(10334));
  }

  @Test
  void withoutAWayToTrimTheRefusalIsPassedOn() {
    MongoChangeCursor changes =
        new MongoChangeCursor(cursor(new TooLarge()), "orders", current, new ClusterTime(1, 0));

    assertThatThrownBy(changes::tryNext)
        .isInstanceOfSatisfying(
            MongoCommandException.class, e -> assertThat(e.getErrorCode()).isEqualTo(10334));
  }

  @Test
  void theStrippedStreamDropsTheLargePartsUnconditionallyAndLooksNothingUp() {
    // No $bsonSize of $$ROOT: the server serialises its argument (ExpressionBsonSize::evaluate,
    // src/mongo/db/pipeline/expression.cpp), which fails with the same 10334 over 16 MB.
    assertThat(LargeEvents.strippingPipeline().toString())
        .isEqualTo(
            "[{\"$unset\": [\"fullDocument\", \"updateDescription\","
                + " \"fullDocumentBeforeChange\"]}]")
        .doesNotContain("$$ROOT");
    assertThat(LargeEvents.STRIPPED_FULL_DOCUMENT).isEqualTo(FullDocument.DEFAULT);
    assertThat(LargeEvents.SPLIT.pipeline().toString())
        .isEqualTo("[{\"$changeStreamSplitLargeEvent\": {}}]");
    assertThat(LargeEvents.TRIM_AFTER_FAILURE.pipeline()).isEmpty();
  }
}
