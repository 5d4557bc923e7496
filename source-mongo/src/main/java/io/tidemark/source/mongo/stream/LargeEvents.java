package io.tidemark.source.mongo.stream;

import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
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
   * MongoDB 4.4 to 6.0.8: after a 10334 the stream is opened again from the last event read, with
   * stages that drop {@code fullDocument} and {@code updateDescription} from an event too large to
   * send; the cursor then reads the document by {@code _id}, as an update lookup would.
   */
  TRIM_AFTER_FAILURE,
  /** Older or unknown servers: a 10334 stops the collection with an explained error. */
  NONE;

  /** Event size from which the trimming stages drop the large parts: 16 MiB less room to spare. */
  static final int TRIM_ABOVE_BYTES = (16 << 20) - (64 << 10);

  /** The field the trimming stages add: the event's size before trimming. */
  static final String EVENT_BYTES_FIELD = "tidemarkEventBytes";

  /** The stages after {@code $changeStream} that every stream of this kind has. */
  public List<BsonDocument> pipeline() {
    return this == SPLIT
        ? List.of(new BsonDocument("$changeStreamSplitLargeEvent", new BsonDocument()))
        : List.of();
  }

  /**
   * The stages that keep an event under the limit: measure it ({@code $bsonSize}, MongoDB 4.4+),
   * and when it is too large, drop its document and update description, which Tidemark can read
   * again by {@code _id} (it never uses the description).
   */
  public static List<BsonDocument> trimmingPipeline() {
    BsonDocument measure =
        new BsonDocument(
            "$set",
            new BsonDocument(
                EVENT_BYTES_FIELD, new BsonDocument("$bsonSize", new BsonString("$$ROOT"))));
    BsonDocument tooLarge =
        new BsonDocument(
            "$gt",
            new BsonArray(
                List.of(new BsonString("$" + EVENT_BYTES_FIELD), new BsonInt32(TRIM_ABOVE_BYTES))));
    BsonDocument trim = new BsonDocument();
    for (String field : List.of("fullDocument", "updateDescription", "fullDocumentBeforeChange")) {
      trim.append(
          field,
          new BsonDocument(
              "$cond",
              new BsonArray(
                  List.of(tooLarge, new BsonString("$$REMOVE"), new BsonString("$" + field)))));
    }
    return List.of(measure, new BsonDocument("$set", trim));
  }
}
