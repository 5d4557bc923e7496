package io.tidemark.source.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.MongoConnectionPoolClearedException;
import com.mongodb.MongoException;
import com.mongodb.MongoServerException;
import com.mongodb.MongoSocketReadException;
import com.mongodb.ServerAddress;
import com.mongodb.connection.ClusterId;
import com.mongodb.connection.ServerId;
import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;

class MongoErrorsTest {
  private static final ServerAddress SERVER = new ServerAddress("db1", 27017);

  /** A command failure as the server reports it. */
  private static MongoServerException commandError(int code, String codeName, String message) {
    return new com.mongodb.MongoCommandException(
        new BsonDocument("ok", new BsonInt32(0))
            .append("code", new BsonInt32(code))
            .append("codeName", new BsonString(codeName))
            .append("errmsg", new BsonString(message)),
        SERVER);
  }

  private static TidemarkException classify(RuntimeException e) {
    return MongoErrors.classify(e, "orders", "reading documents for the copy");
  }

  @Test
  void aConnectionPoolClearedByANetworkFailureIsRetriable() {
    RuntimeException cleared =
        new MongoConnectionPoolClearedException(
            new ServerId(new ClusterId("c"), SERVER),
            new MongoSocketReadException("Prematurely reached end of stream", SERVER));

    TidemarkException t = classify(cleared);

    assertThat(t.code()).isEqualTo(ErrorCode.SOURCE_UNAVAILABLE);
    assertThat(t.getMessage())
        .startsWith(
            "orders: reading documents for the copy failed: MongoDB is unreachable or changing"
                + " primary (Connection pool for");
  }

  @Test
  void aSocketFailureWrappedByTheDriverIsRetriable() {
    RuntimeException wrapped =
        new MongoException("command failed", new MongoSocketReadException("reset", SERVER));

    assertThat(classify(wrapped).code()).isEqualTo(ErrorCode.SOURCE_UNAVAILABLE);
  }

  @Test
  void historyLostNamesTheRebuildCommand() {
    MongoServerException lost =
        commandError(286, "ChangeStreamHistoryLost", "resume point may no longer be in the oplog");

    TidemarkException t = classify(lost);

    assertThat(t.code()).isEqualTo(ErrorCode.HISTORY_LOST);
    assertThat(t.getMessage())
        .contains("fallen out of the source's oplog (MongoDB error 286, ChangeStreamHistoryLost)")
        .contains("'tidemark resnapshot orders'");
  }

  @Test
  void anUnknownServerErrorStopsWithItsText() {
    MongoServerException other = commandError(2, "BadValue", "bad filter");

    TidemarkException t = classify(other);

    assertThat(t.code()).isEqualTo(ErrorCode.SOURCE_FAILED);
    assertThat(t.getMessage()).contains("bad filter");
  }

  @Test
  void anEventTooLargeToSplitSaysWhichServerCanSplitIt() {
    TidemarkException t = classify(commandError(10334, "BSONObjectTooLarge", "too large"));

    assertThat(t.code()).isEqualTo(ErrorCode.SOURCE_FAILED);
    assertThat(t.getMessage())
        .contains("over MongoDB's 16 MB limit (BSONObjectTooLarge, 10334)")
        .contains("MongoDB 6.0.9 or 7.0+")
        .contains("'tidemark resnapshot orders'");
  }
}
