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
import java.util.Set;

/**
 * Sorts driver failures into Tidemark's error codes: what a reconnect can cure (network, elections,
 * lost cursors) versus what needs an operator (history lost, permissions, bad tokens). The driver
 * has already made its own single resume attempt when a change-stream error reaches us.
 */
final class MongoErrors {
  /** ChangeStreamHistoryLost, CappedPositionLost, ChangeStreamFatalError. */
  private static final Set<Integer> HISTORY_LOST = Set.of(286, 136, 280);

  private static final int UNAUTHORIZED = 13;
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
              + ": the saved stream position has fallen out of the source's oplog (MongoDB error "
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
              + " or 7.0+) nor measure it to drop its document ($bsonSize needs MongoDB 4.4+)."
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

  private static boolean isTransient(RuntimeException e) {
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

  private static String firstLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
