package io.tidemark.connect.write;

import io.tidemark.connect.decode.DocumentChange;
import io.tidemark.connect.decode.RecordValues;
import io.tidemark.sink.jdbc.write.LogPartition;

/**
 * One consumed record, decoded.
 *
 * @param change what it says, or null when it could not be decoded
 * @param collection the collection it belongs to (also when it could not be decoded: the topic's)
 * @param value the record's value as the converter gave it; turned into text only for a dead letter
 * @param problem why it could not be decoded; null when it was
 */
public record ReadRecord(
    LogPartition partition,
    long offset,
    String collection,
    DocumentChange change,
    Object value,
    String problem) {

  /** The record's value as text, for a dead letter's document. */
  public String text() {
    return RecordValues.text(value);
  }

  /** Where the record is, as an error message names it: {@code topic-0@42}. */
  public String where() {
    return partition + "@" + offset;
  }
}
