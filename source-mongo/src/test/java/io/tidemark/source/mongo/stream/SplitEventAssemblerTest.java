package io.tidemark.source.mongo.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.SplitEvent;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.event.ChangeEvent;
import io.tidemark.core.event.Operation;
import io.tidemark.core.position.ClusterTime;
import java.lang.reflect.Proxy;
import java.util.ArrayDeque;
import java.util.Deque;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Test;

class SplitEventAssemblerTest {
  private static final BsonTimestamp TIME = new BsonTimestamp(1_700_000_000, 3);
  private static final BsonDocument KEY = new BsonDocument("_id", new BsonInt32(7));
  private static final RawBsonDocument FULL =
      RawBsonDocument.parse("{\"_id\": 7, \"blob\": \"" + "x".repeat(100) + "\"}");

  private static BsonDocument token(String data) {
    return new BsonDocument("_data", new BsonString(data));
  }

  /** A fragment carrying only the fields given (the others null), as the server splits them. */
  private static ChangeStreamDocument<RawBsonDocument> fragment(
      int n, int of, String token, String type, BsonDocument key, RawBsonDocument full) {
    return new ChangeStreamDocument<>(
        type,
        token(token),
        null,
        null,
        null,
        full,
        null,
        key,
        type == null ? null : TIME,
        null,
        null,
        null,
        null,
        n == 0 ? null : new SplitEvent(n, of),
        null);
  }

  @Test
  void aWholeEventPassesThrough() {
    SplitEventAssembler assembler = new SplitEventAssembler("orders");
    ChangeStreamDocument<RawBsonDocument> whole = fragment(0, 0, "t1", "insert", KEY, FULL);

    assertThat(assembler.add(whole)).isSameAs(whole);
    assertThat(assembler.inProgress()).isFalse();
  }

  @Test
  void fragmentsComeBackAsOneEventWithTheLastFragmentsToken() {
    SplitEventAssembler assembler = new SplitEventAssembler("orders");

    assertThat(assembler.add(fragment(1, 3, "f1", "replace", KEY, null))).isNull();
    assertThat(assembler.inProgress()).isTrue();
    assertThat(assembler.add(fragment(2, 3, "f2", null, null, FULL))).isNull();
    ChangeStreamDocument<RawBsonDocument> whole =
        assembler.add(fragment(3, 3, "f3", null, null, null));

    assertThat(whole).isNotNull();
    assertThat(whole.getOperationTypeString()).isEqualTo("replace");
    assertThat(whole.getDocumentKey()).isEqualTo(KEY);
    assertThat(whole.getClusterTime()).isEqualTo(TIME);
    assertThat(whole.getFullDocument()).isEqualTo(FULL);
    assertThat(whole.getResumeToken()).isEqualTo(token("f3"));
    assertThat(whole.getSplitEvent()).isNull();
    assertThat(assembler.inProgress()).isFalse();
  }

  @Test
  void fragmentsOutOfOrderAreRefusedWithTheRebuildCommand() {
    SplitEventAssembler assembler = new SplitEventAssembler("orders");

    assertThatThrownBy(() -> assembler.add(fragment(2, 2, "f2", null, null, FULL)))
        .isInstanceOf(TidemarkException.class)
        .hasMessageContaining("orders: a change event over 16 MB came in fragments out of order")
        .hasMessageContaining("fragment 2 of 2 arrived after 0 fragment(s)")
        .hasMessageContaining("'tidemark resnapshot orders'");
    assembler.add(fragment(1, 2, "f1", "insert", KEY, null));
    assertThatThrownBy(() -> assembler.add(fragment(0, 0, "t9", "insert", KEY, FULL)))
        .isInstanceOf(TidemarkException.class)
        .hasMessageContaining("a whole event arrived after fragment 1");
  }

  @Test
  void theCursorReportsNoPositionInsideASplitEventAndOneEventAfterIt() {
    Deque<ChangeStreamDocument<RawBsonDocument>> batch = new ArrayDeque<>();
    batch.add(fragment(1, 2, "f1", "insert", KEY, null));
    BsonDocument[] resumeToken = {null};
    @SuppressWarnings("unchecked")
    MongoChangeStreamCursor<ChangeStreamDocument<RawBsonDocument>> cursor =
        (MongoChangeStreamCursor<ChangeStreamDocument<RawBsonDocument>>)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {MongoChangeStreamCursor.class},
                (proxy, method, args) ->
                    switch (method.getName()) {
                      case "tryNext" -> {
                        ChangeStreamDocument<RawBsonDocument> next = batch.poll();
                        if (next != null) {
                          resumeToken[0] = next.getResumeToken();
                        }
                        yield next;
                      }
                      case "getResumeToken" -> resumeToken[0];
                      default -> null;
                    });
    MongoChangeCursor changes =
        new MongoChangeCursor(cursor, "orders", (id, time) -> null, new ClusterTime(1, 0));

    assertThat(changes.tryNext()).as("only the first fragment arrived").isNull();
    assertThat(changes.position()).as("no position inside a split event").isNull();

    batch.add(fragment(2, 2, "f2", null, null, FULL));
    ChangeEvent event = changes.tryNext();

    assertThat(event.operation()).isEqualTo(Operation.INSERT);
    assertThat(event.document().toJson()).contains("\"blob\"");
    assertThat(event.position().token()).contains("f2");
    assertThat(changes.position().token()).contains("f2");
  }
}
