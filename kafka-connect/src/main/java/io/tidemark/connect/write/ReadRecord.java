package io.tidemark.connect.write;

import io.tidemark.connect.decode.DocumentChange;
import io.tidemark.sink.jdbc.write.LogPartition;

/**
 * One consumed record, decoded.
 *
 * @param change what it says, or null when it could not be decoded
 * @param collection the collection it belongs to (also when it could not be decoded: the topic's)
 * @param text the record's value as text, kept for a dead letter when decoding or mapping fails
 * @param problem why it could not be decoded; null when it was
 */
public record ReadRecord(
    LogPartition partition,
    long offset,
    String collection,
    DocumentChange change,
    String text,
    String problem) {

  /** Where the record is, as an error message names it: {@code topic-0@42}. */
  public String where() {
    return partition + "@" + offset;
  }
}
