package io.tidemark.source.mongo.stream;

import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import io.tidemark.core.event.ChangeEvent;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.Position;
import io.tidemark.core.spi.ChangeCursor;
import org.bson.RawBsonDocument;

/**
 * One collection's own change stream ({@code source.streamScope: collection}): reads it with {@code
 * tryNext()}, so that the post-batch resume token is seen even while the collection is quiet, and
 * turns each change into a core {@link ChangeEvent}. Not thread-safe: one reader thread.
 */
public final class MongoChangeCursor implements ChangeCursor {
  private final RawChangeStream stream;
  private final ChangeEvents events;

  /**
   * @param cursor the opened stream
   * @param collection the collection's name, for messages
   * @param lookup reads a document whose update lookup came back empty, or that an event over 16 MB
   *     could not carry, by {@code _id} after the event's time
   * @param startTime the cluster time of the position the stream was opened from
   * @param reopener opens the stream again without the documents to get past an event over 16 MB,
   *     or null when an event over 16 MB is an error ({@link LargeEvents})
   */
  public MongoChangeCursor(
      MongoChangeStreamCursor<ChangeStreamDocument<RawBsonDocument>> cursor,
      String collection,
      DocumentLookup lookup,
      ClusterTime startTime,
      RawChangeStream.Reopener reopener) {
    this.stream = new RawChangeStream(cursor, reopener);
    this.events = new ChangeEvents(collection, lookup, startTime);
  }

  /** A cursor for a server that splits large events, or where they are an error. */
  public MongoChangeCursor(
      MongoChangeStreamCursor<ChangeStreamDocument<RawBsonDocument>> cursor,
      String collection,
      DocumentLookup lookup,
      ClusterTime startTime) {
    this(cursor, collection, lookup, startTime, null);
  }

  @Override
  public ChangeEvent tryNext() {
    while (true) {
      RawChangeStream.Change change = stream.tryNext();
      if (change == null) {
        return null;
      }
      ChangeEvent event = events.toEvent(change);
      if (event != null) {
        return event;
      }
      // A fragment of a split event, or a kind Tidemark does not apply: read on.
    }
  }

  /**
   * The stream as the driver reads it: a reader catching up on this cursor ({@link
   * SharedChangeCursor}) looks at each change's time before turning it into an event.
   */
  RawChangeStream raw() {
    return stream;
  }

  /** What turns this cursor's changes into events. */
  ChangeEvents events() {
    return events;
  }

  @Override
  public Position position() {
    return events.positionAt(stream.resumeToken());
  }

  @Override
  public void close() {
    stream.close();
  }
}
