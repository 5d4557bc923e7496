package io.tidemark.source.mongo.stream;

import io.tidemark.core.position.ClusterTime;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;

/**
 * Reads a document by {@code _id} as it is now, from majority-committed data that includes every
 * write up to a given time, whichever member answers (a causally consistent read after that time).
 */
@FunctionalInterface
public interface DocumentLookup {
  /**
   * @param id the document's {@code _id}
   * @param atOrAfter the read sees every write up to this time (the event's cluster time)
   * @return the document, or null when it does not exist (any more)
   */
  RawBsonDocument byId(BsonValue id, ClusterTime atOrAfter);
}
