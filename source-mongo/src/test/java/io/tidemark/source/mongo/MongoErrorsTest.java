package io.tidemark.source.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.MongoConnectionPoolClearedException;
import com.mongodb.MongoCredential;
import com.mongodb.MongoException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoServerException;
import com.mongodb.MongoSocketReadException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.ServerAddress;
import com.mongodb.connection.ClusterId;
import com.mongodb.connection.ServerId;
import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import java.time.Duration;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;

class MongoErrorsTest {
  private static final ServerAddress SERVER = new ServerAddress("db1", 27017);
  private static final MongoCredential CREDENTIAL =
      MongoCredential.createScramSha256Credential("tidemark", "admin", "s3cret".toCharArray());
  private static final String MASKED_URI = "mongodb://tidemark:****@db1:27017/?authSource=admin";

  /** A command failure as the server reports it. */
  private static MongoServerException commandError(int code, String codeName, String message) {
    return new com.mongodb.MongoCommandException(
        new BsonDocument("ok", new BsonInt32(0))
            .append("code", new BsonInt32(code))
            .append("codeName", new BsonString(codeName))
            .append("errmsg", new BsonString(message)),
        SERVER);
  }

  /** A command failure with the error labels the server attached. */
  private static MongoServerException labelled(
      int code, String codeName, String message, String... labels) {
    BsonArray labelArray = new BsonArray();
    for (String label : labels) {
      labelArray.add(new BsonString(label));
    }
    return new com.mongodb.MongoCommandException(
        new BsonDocument("ok", new BsonInt32(0))
            .append("code", new BsonInt32(code))
            .append("codeName", new BsonString(codeName))
            .append("errmsg", new BsonString(message))
            .append("errorLabels", labelArray),
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

  // Each code as src/mongo/base/error_codes.yml and the change-stream stages define it.

  @Test
  void aResumeTokenNotFoundInTheStreamIsAFatalStreamErrorNotLostHistory() {
    // 280 ChangeStreamFatalError, category NonResumableChangeStreamError; raised by
    // DocumentSourceChangeStreamEnsureResumeTokenPresent when the token is not in the stream.
    TidemarkException t =
        classify(
            labelled(
                280,
                "ChangeStreamFatalError",
                "cannot resume stream; the resume token was not found. {_data: \"8265...\"}",
                "NonResumableChangeStreamError"));

    assertThat(t.code()).isEqualTo(ErrorCode.SOURCE_FAILED);
    assertThat(t.getMessage())
        .contains("(ChangeStreamFatalError, 280: cannot resume stream; the resume token was not")
        .contains("not lost history")
        .doesNotContain("fallen out of the source's oplog")
        .contains("'tidemark resnapshot orders'");
  }

  @Test
  void anIdChangedByAStageIsAFatalStreamError() {
    TidemarkException t =
        classify(
            labelled(
                280,
                "ChangeStreamFatalError",
                "Encountered an event whose _id field, which contains the resume token, was"
                    + " modified by the pipeline.",
                "NonResumableChangeStreamError"));

    assertThat(t.code()).isEqualTo(ErrorCode.SOURCE_FAILED);
    assertThat(t.getMessage()).contains("was modified by the pipeline");
  }

  @Test
  void aCappedPositionLostIsLostHistoryNamedAsSuch() {
    // 136 CappedPositionLost: the oplog entries the stream was about to read were overwritten.
    TidemarkException t =
        classify(
            commandError(
                136,
                "CappedPositionLost",
                "CollectionScan died due to position in capped collection being deleted."));

    assertThat(t.code()).isEqualTo(ErrorCode.HISTORY_LOST);
    assertThat(t.getMessage())
        .contains("(MongoDB error 136, CappedPositionLost)")
        .contains("'tidemark resnapshot orders'");
  }

  @Test
  void anInvalidResumeTokenNamesTheRebuild() {
    TidemarkException t =
        classify(commandError(260, "InvalidResumeToken", "Invalid resume token: bad hex"));

    assertThat(t.code()).isEqualTo(ErrorCode.SOURCE_FAILED);
    assertThat(t.getMessage())
        .contains("rejected the saved resume token as invalid")
        .contains("'tidemark resnapshot orders'");
  }

  @Test
  void codesOfTheServersRetriableCategoryAreRetried() {
    for (var code :
        java.util.Map.of(
                134, "ReadConcernMajorityNotAvailableYet",
                262, "ExceededTimeLimit",
                6, "HostUnreachable",
                89, "NetworkTimeout",
                9001, "SocketException",
                11600, "InterruptedAtShutdown",
                402, "ResourceExhausted")
            .entrySet()) {
      assertThat(classify(commandError(code.getKey(), code.getValue(), "transient")).code())
          .as("%s (%d)", code.getValue(), code.getKey())
          .isEqualTo(ErrorCode.SOURCE_UNAVAILABLE);
    }
  }

  @Test
  void theResumableLabelIsRetriedAndTheNonResumableLabelNeverIs() {
    assertThat(
            classify(
                    labelled(
                        11601,
                        "Interrupted",
                        "operation interrupted",
                        "ResumableChangeStreamError"))
                .code())
        .isEqualTo(ErrorCode.SOURCE_UNAVAILABLE);
    assertThat(
            classify(
                    labelled(
                        91, "ShutdownInProgress", "shutting down", "NonResumableChangeStreamError"))
                .code())
        .as("the server's label wins over the code's category")
        .isEqualTo(ErrorCode.SOURCE_FAILED);
  }

  @Test
  void moreThanOneResumeOptionIsABugReportedWithTheServersText() {
    TidemarkException t =
        classify(
            commandError(
                40674,
                "Location40674",
                "Only one type of resume option is allowed, but multiple were found."));

    assertThat(t.code()).isEqualTo(ErrorCode.SOURCE_FAILED);
    assertThat(t.getMessage()).contains("Only one type of resume option is allowed");
  }

  @Test
  void aRefusedLoginAtOpenSaysSoAndIsNotRetried() {
    RuntimeException refused =
        new MongoSecurityException(
            CREDENTIAL,
            "Exception authenticating " + CREDENTIAL,
            commandError(18, "AuthenticationFailed", "Authentication failed."));

    TidemarkException t = MongoErrors.atOpen(refused, MASKED_URI, Duration.ofSeconds(30));

    assertThat(t.code()).isEqualTo(ErrorCode.SOURCE_FAILED);
    assertThat(t.retriable()).isFalse();
    assertThat(t.databaseCode()).as("MongoDB's AuthenticationFailed").isEqualTo("18");
    assertThat(t.getMessage())
        .startsWith(
            "MongoDB at " + MASKED_URI + " refused Tidemark's login (Authentication failed.)")
        .contains("user name and password in source.uri", "authSource")
        .doesNotContain("Cannot reach", "s3cret");
  }

  @Test
  void aLoginTheDriverCouldNotCompleteIsARefusedLoginToo() {
    RuntimeException failed =
        new MongoSecurityException(CREDENTIAL, "Exception authenticating " + CREDENTIAL);

    TidemarkException t = MongoErrors.atOpen(failed, MASKED_URI, Duration.ofSeconds(30));

    assertThat(t.code()).isEqualTo(ErrorCode.SOURCE_FAILED);
    assertThat(t.getMessage())
        .contains("refused Tidemark's login (Exception authenticating MongoCredential")
        .doesNotContain("s3cret");
  }

  @Test
  void noServerAtOpenIsUnreachableAndRetriable() {
    RuntimeException timeout =
        new MongoTimeoutException("Timed out while waiting for a server that matches primary");

    TidemarkException t = MongoErrors.atOpen(timeout, MASKED_URI, Duration.ofSeconds(30));

    assertThat(t.code()).isEqualTo(ErrorCode.SOURCE_UNAVAILABLE);
    assertThat(t.retriable()).isTrue();
    assertThat(t.getMessage())
        .startsWith("Cannot reach MongoDB at " + MASKED_URI + " within 30 s (Timed out while")
        .contains("that the server runs");
  }
}
