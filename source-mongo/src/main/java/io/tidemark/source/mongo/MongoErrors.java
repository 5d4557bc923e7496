package io.tidemark.source.mongo;

import com.mongodb.MongoConnectionPoolClearedException;
import com.mongodb.MongoCursorNotFoundException;
import com.mongodb.MongoException;
import com.mongodb.MongoInterruptedException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoServerException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import java.time.Duration;
import java.util.Set;

/**
 * Sorts driver failures into Tidemark's error codes: what a reconnect can cure (network, elections,
 * lost cursors) versus what needs an operator (history lost, permissions, bad tokens). The driver
 * has already made its own single resume attempt when a change-stream error reaches us.
 *
 * <p>Each server code is classified as {@code src/mongo/base/error_codes.yml} defines it, and the
 * server's error labels win over the code: {@code NonResumableChangeStreamError} is never retried,
 * {@code ResumableChangeStreamError} always is.
 */
final class MongoErrors {
  /**
   * ChangeStreamHistoryLost (286): the resume point is older than the oplog ({@code
   * DocumentSourceChangeStreamCheckResumability}); CappedPositionLost (136): the oplog entries the
   * stream was reading were overwritten under it.
   */
  private static final Set<Integer> HISTORY_LOST = Set.of(286, 136);

  /**
   * ChangeStreamFatalError (280, category NonResumableChangeStreamError): not lost history. The
   * server raises it when the resume token is not found in the stream ({@code
   * DocumentSourceChangeStreamEnsureResumeTokenPresent}), when a stage changed an event's {@code
   * _id}, when a split-event token meets a stream without {@code $changeStreamSplitLargeEvent}, or
   * when an update lookup finds more than one document.
   */
  private static final int CHANGE_STREAM_FATAL = 280;

  /**
   * The codes of the {@code RetriableError} category in error_codes.yml that a client can see
   * (network, shutdown, elections, time limits, overload), plus CursorNotFound (43), which the
   * change-stream specification lists as resumable.
   */
  private static final Set<Integer> RETRIABLE =
      Set.of(
          6, 7, 43, 89, 91, 134, 189, 262, 358, 402, 406, 407, 412, 453, 462, 9001, 10107, 11600,
          11602, 13435, 13436, 50915, 91331, 10045600);

  private static final String NON_RESUMABLE = "NonResumableChangeStreamError";
  private static final int UNAUTHORIZED = 13;
  private static final int AUTHENTICATION_FAILED = 18;
  private static final int INVALID_RESUME_TOKEN = 260;
  private static final int BSON_OBJECT_TOO_LARGE = 10334;

  private MongoErrors() {}

  /**
   * @param collection the collection, for the message
   * @param doing what Tidemark was doing, e.g. "reading the change stream"
   */
  static TidemarkException classify(RuntimeException e, String collection, String doing) {
    if (e instanceof TidemarkException te) {
      return te;
    }
    String where = collection + ": " + doing + " failed";
    String code = e instanceof MongoException me ? Integer.toString(me.getCode()) : null;
    if (e instanceof MongoServerException se && HISTORY_LOST.contains(se.getCode())) {
      return new TidemarkException(
          ErrorCode.HISTORY_LOST,
          where
              + ": the stream's position has fallen out of the source's oplog (MongoDB error "
              + se.getCode()
              + ", "
              + se.getErrorCodeName()
              + "), so changes made since then can no longer be read. Rebuild the table with"
              + " 'tidemark resnapshot "
              + collection
              + "', and size the oplog to cover the longest outage you expect.",
          code,
          e);
    }
    if (e instanceof MongoServerException fatal && fatal.getCode() == CHANGE_STREAM_FATAL) {
      return new TidemarkException(
          ErrorCode.SOURCE_FAILED,
          where
              + ": MongoDB ended the change stream as unrecoverable (ChangeStreamFatalError, 280: "
              + serverText(e)
              + "). This is not lost history, so Tidemark does not rebuild on its own: the server"
              + " raises it when the saved resume token is not in the stream (the collection was"
              + " dropped and re-created since, or the stream's stages differ from those the token"
              + " was read with), or when a stage changed an event's _id. If the saved position"
              + " cannot be used, rebuild with 'tidemark resnapshot "
              + collection
              + "'.",
          code,
          e);
    }
    if (isTransient(e)) {
      return new TidemarkException(
          ErrorCode.SOURCE_UNAVAILABLE,
          where + ": MongoDB is unreachable or changing primary (" + firstLine(e) + ")",
          code,
          e);
    }
    if (e instanceof MongoSecurityException
        || e instanceof MongoServerException se2 && se2.getCode() == UNAUTHORIZED) {
      return new TidemarkException(
          ErrorCode.SOURCE_FAILED,
          where
              + ": MongoDB refused the credentials or the permission ("
              + firstLine(e)
              + "). The user needs the 'read' role on the database (find, changeStream).",
          code,
          e);
    }
    if (e instanceof MongoServerException se4 && se4.getCode() == BSON_OBJECT_TOO_LARGE) {
      return new TidemarkException(
          ErrorCode.SOURCE_FAILED,
          where
              + ": a change event is over MongoDB's 16 MB limit (BSONObjectTooLarge, 10334) and"
              + " this server can neither split it ($changeStreamSplitLargeEvent needs MongoDB 6.0.9"
              + " or 7.0+) nor strip it of its document ($unset needs MongoDB 4.2+)."
              + " Upgrade the server, or shrink the document, then rebuild with 'tidemark"
              + " resnapshot "
              + collection
              + "'; the collection's position stays before that event.",
          code,
          e);
    }
    if (e instanceof MongoServerException se3 && se3.getCode() == INVALID_RESUME_TOKEN) {
      return new TidemarkException(
          ErrorCode.SOURCE_FAILED,
          where
              + ": MongoDB rejected the saved resume token as invalid ("
              + firstLine(e)
              + "). Rebuild with 'tidemark resnapshot "
              + collection
              + "'.",
          code,
          e);
    }
    return new TidemarkException(ErrorCode.SOURCE_FAILED, where + ": " + firstLine(e), code, e);
  }

  /**
   * The first command of a new client failed: either no server answered within the selection
   * timeout, or one answered and refused the login. The driver authenticates each new connection
   * and reports a refusal as {@link MongoSecurityException}, with the server's AuthenticationFailed
   * (18) as its cause; retrying cannot cure that, so it is not reported as unreachable.
   *
   * @param maskedUri the connection string without its password
   */
  static TidemarkException atOpen(RuntimeException e, String maskedUri, Duration timeout) {
    MongoServerException server = serverError(e);
    if (e instanceof MongoSecurityException
        || server != null && server.getCode() == AUTHENTICATION_FAILED) {
      return new TidemarkException(
          ErrorCode.SOURCE_FAILED,
          "MongoDB at "
              + maskedUri
              + " refused Tidemark's login ("
              + (server != null ? serverText(server) : firstLine(e))
              + "). Check the user name and password in source.uri, and its authSource: the"
              + " database that holds the user (often admin).",
          server != null ? Integer.toString(server.getCode()) : null,
          e);
    }
    return new TidemarkException(
        ErrorCode.SOURCE_UNAVAILABLE,
        "Cannot reach MongoDB at "
            + maskedUri
            + " within "
            + timeout.toSeconds()
            + " s ("
            + firstLine(e)
            + "). Check source.uri, that the server runs, and that this host may connect to it.",
        e);
  }

  /** The server's own error within {@code e} and its causes, or null. */
  private static MongoServerException serverError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof MongoServerException se) {
        return se;
      }
    }
    return null;
  }

  private static boolean isTransient(RuntimeException e) {
    if (e instanceof MongoException me && me.hasErrorLabel(NON_RESUMABLE)) {
      return false;
    }
    if (e instanceof MongoServerException se && RETRIABLE.contains(se.getCode())) {
      return true;
    }
    if (e instanceof MongoSocketException
        || e instanceof MongoConnectionPoolClearedException
        || e.getCause() instanceof MongoSocketException
        || e instanceof MongoTimeoutException
        || e instanceof MongoNotPrimaryException
        || e instanceof MongoNodeIsRecoveringException
        || e instanceof MongoCursorNotFoundException) {
      return true;
    }
    if (e instanceof MongoInterruptedException) {
      return false;
    }
    return e instanceof MongoException me
        && (me.hasErrorLabel("ResumableChangeStreamError")
            || me.hasErrorLabel("RetryableWriteError")
            || me.hasErrorLabel("TransientTransactionError"));
  }

  /** The server's own error text when there is one, without the driver's wrapping. */
  private static String serverText(Throwable e) {
    return e instanceof com.mongodb.MongoCommandException ce ? ce.getErrorMessage() : firstLine(e);
  }

  private static String firstLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
