package io.tidemark.connect.decode;

/** Which connector wrote the topics' records; {@link #AUTO} tells them apart record by record. */
public enum InputFormat {
  /** Each record's own fields decide: {@code op} is Debezium's, {@code operationType} a change. */
  AUTO,
  /** Debezium's MongoDB connector: {@code op}, {@code after}, {@code updateDescription}. */
  DEBEZIUM,
  /** MongoDB's Kafka source connector publishing change-stream documents. */
  CHANGE_STREAM,
  /**
   * MongoDB's Kafka source connector with {@code publish.full.document.only=true}: the value is the
   * document itself; a delete is a tombstone keyed by the document key.
   */
  FULL_DOCUMENT
}
