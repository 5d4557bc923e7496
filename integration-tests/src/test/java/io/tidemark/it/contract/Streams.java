package io.tidemark.it.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.MongoCommandException;
import com.mongodb.client.ChangeStreamIterable;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.Document;

/** Reading change events as the server sends them, for the contract claims. */
final class Streams {
  static final Duration WAIT = Duration.ofSeconds(30);

  private Streams() {}

  /** The server's cluster time now: the operationTime of a ping. */
  static BsonTimestamp now(MongoDatabase database) {
    return database.runCommand(new Document("ping", 1)).get("operationTime", BsonTimestamp.class);
  }

  /**
   * A start that excludes every write so far: one increment after the newest cluster time ({@code
   * startAtOperationTime} includes events at its own time).
   */
  static BsonTimestamp afterLastWrite(MongoDatabase database) {
    BsonTimestamp now = now(database);
    return new BsonTimestamp(now.getTime(), now.getInc() + 1);
  }

  /**
   * The first {@code count} events, or fewer when the stream ends (after an invalidate); fails when
   * fewer come within {@link #WAIT} and the stream is still open.
   */
  static List<BsonDocument> read(ChangeStreamIterable<?> stream, int count) {
    List<BsonDocument> events = new ArrayList<>();
    long deadline = System.nanoTime() + WAIT.toNanos();
    // The events as the server sent them, not decoded into ChangeStreamDocument.
    try (MongoCursor<BsonDocument> cursor = stream.withDocumentClass(BsonDocument.class).cursor()) {
      while (events.size() < count && System.nanoTime() < deadline) {
        BsonDocument event;
        try {
          event = cursor.tryNext();
        } catch (IllegalStateException closed) {
          return events; // closed by the server after an invalidate
        }
        if (event != null) {
          events.add(event);
          if (event.getString("operationType").getValue().equals("invalidate")) {
            return events;
          }
        }
      }
    }
    assertThat(events).as("events within %s", WAIT).hasSize(count);
    return events;
  }

  /** The server's error code of a refused command. */
  static int code(Throwable refused) {
    assertThat(refused).isInstanceOf(MongoCommandException.class);
    return ((MongoCommandException) refused).getErrorCode();
  }

  static List<String> types(List<BsonDocument> events) {
    return events.stream().map(e -> e.getString("operationType").getValue()).toList();
  }
}
