package io.tidemark.source.mongo.stream;

import com.mongodb.MongoServerException;
import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import org.bson.BsonDocument;
import org.bson.RawBsonDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open change stream, read with {@code tryNext()} so that the post-batch resume token is seen
 * even while nothing changes, and kept going past an event over 16 MB on a server that can neither
 * split nor send it ({@link LargeEvents#TRIM_AFTER_FAILURE}). It hands out the driver's changes as
 * they are; turning them into core events is {@link ChangeEvents}'s job, so that one stream can
 * serve one collection ({@link MongoChangeCursor}) or a whole database ({@link DatabaseStream}).
 *
 * <p>Not thread-safe: one reader at a time.
 */
public final class RawChangeStream implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RawChangeStream.class);
  private static final int BSON_OBJECT_TOO_LARGE = 10334;

  /**
   * A change as the driver read it.
   *
   * @param stripped read from the stream without documents (the event was over 16 MB): its
   *     document, if it has one, must be read by {@code _id}
   */
  public record Change(ChangeStreamDocument<RawBsonDocument> document, boolean stripped) {}

  /**
   * Opens the same stream again after a resume token, for a server that can neither split nor send
   * an event over 16 MB: stripped of every event's document ({@link
   * LargeEvents#strippingPipeline()}, no update lookup), or normal again.
   */
  @FunctionalInterface
  public interface Reopener {
    /**
     * @param resumeToken the token of the last event read, or null to start where the stream did
     * @param stripped true for the stream without documents, false for the normal one
     */
    MongoChangeStreamCursor<ChangeStreamDocument<RawBsonDocument>> reopen(
        BsonDocument resumeToken, boolean stripped);
  }

  private final Reopener reopener;
  private MongoChangeStreamCursor<ChangeStreamDocument<RawBsonDocument>> cursor;
  // Whether the cursor is the stripped stream, and whether it has returned an event yet.
  private boolean stripped;
  private boolean strippedEventRead;

  /**
   * @param cursor the opened stream
   * @param reopener opens the stream again without documents to get past an event over 16 MB, or
   *     null when such an event is an error ({@link LargeEvents})
   */
  public RawChangeStream(
      MongoChangeStreamCursor<ChangeStreamDocument<RawBsonDocument>> cursor, Reopener reopener) {
    this.cursor = cursor;
    this.reopener = reopener;
  }

  /**
   * The next change, or null when none arrived within the server's wait. When the server refuses to
   * send one over 16 MB, the stream is opened again after the last event read, stripped of
   * documents; once the stripped stream has returned an event (the refused one), the normal stream
   * is opened again after it, so only that event costs a read by {@code _id}.
   */
  public Change tryNext() {
    if (stripped && strippedEventRead) {
      switchTo(false);
    }
    try {
      ChangeStreamDocument<RawBsonDocument> change = cursor.tryNext();
      strippedEventRead = stripped && change != null;
      return change == null ? null : new Change(change, stripped);
    } catch (MongoServerException e) {
      if (e.getCode() != BSON_OBJECT_TOO_LARGE || reopener == null || stripped) {
        throw e;
      }
      LOG.warn(
          "the next change event is over MongoDB's 16 MB limit and this server cannot split"
              + " it; reading past it on a stream without documents, the document is read by _id");
      switchTo(true);
      ChangeStreamDocument<RawBsonDocument> change = cursor.tryNext();
      strippedEventRead = change != null;
      return change == null ? null : new Change(change, true);
    }
  }

  /** Changes the driver holds that {@link #tryNext()} returns without asking the server. */
  public int available() {
    return cursor.available();
  }

  /**
   * The driver's resume token: the last change returned, or the post-batch token once a batch is
   * used up; null before the server has told one.
   */
  public BsonDocument resumeToken() {
    return cursor.getResumeToken();
  }

  /** Reopens the stream after the last event read, stripped or normal. */
  private void switchTo(boolean strip) {
    BsonDocument resumeToken = cursor.getResumeToken();
    cursor.close();
    cursor = reopener.reopen(resumeToken, strip);
    stripped = strip;
    strippedEventRead = false;
  }

  @Override
  public void close() {
    cursor.close();
  }
}
