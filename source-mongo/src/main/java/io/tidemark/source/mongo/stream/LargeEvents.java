package io.tidemark.source.mongo.stream;

import com.mongodb.client.model.changestream.FullDocument;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonString;

/**
 * How a change stream gets past an event over MongoDB's 16 MB limit (BSONObjectTooLarge, 10334),
 * which the server otherwise refuses to return, wedging the stream at that event.
 */
public enum LargeEvents {
  /**
   * MongoDB 7.0+ and 6.0.9+: {@code $changeStreamSplitLargeEvent} sends the event in fragments,
   * which {@link SplitEventAssembler} puts back together.
   */
  SPLIT,
  /**
   * MongoDB 4.2 to 6.0.8: after a 10334 the stream is opened again from the last event read, with
   * stages that drop {@code fullDocument} and {@code updateDescription} and without update lookup;
   * the cursor reads the document by {@code _id}, as an update lookup would, and goes back to the
   * normal stream right after that event.
   */
  TRIM_AFTER_FAILURE,
  /** Older or unknown servers: a 10334 stops the collection with an explained error. */
  NONE;

  /**
   * The stripped stream asks for no update lookup: the looked-up document would make the event
   * large again, wherever the server adds it (on mongos, after the shards' stages).
   */
  public static final FullDocument STRIPPED_FULL_DOCUMENT = FullDocument.DEFAULT;

  /** The stages after {@code $changeStream} that every stream of this kind has. */
  public List<BsonDocument> pipeline() {
    return this == SPLIT
        ? List.of(new BsonDocument("$changeStreamSplitLargeEvent", new BsonDocument()))
        : List.of();
  }

  /**
   * The stages of the stream that gets past an event MongoDB refused to send: they drop the
   * document and the update description of every event, unconditionally, and Tidemark reads the
   * document by {@code _id} (it never uses the description). They do not measure the event first:
   * {@code $bsonSize} of {@code $$ROOT} serialises the whole event, which fails with the same 10334
   * over 16 MB ({@code ExpressionBsonSize::evaluate}, {@code
   * src/mongo/db/pipeline/expression.cpp}), and on a sharded cluster the shard's part of the event
   * is built before these stages run. The cursor uses this stream only to get past the refused
   * event ({@link MongoChangeCursor}).
   */
  public static List<BsonDocument> strippingPipeline() {
    BsonArray fields = new BsonArray();
    for (String field : List.of("fullDocument", "updateDescription", "fullDocumentBeforeChange")) {
      fields.add(new BsonString(field));
    }
    return List.of(new BsonDocument("$unset", fields));
  }
}
