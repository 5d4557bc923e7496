package io.tidemark.core.mapping;

/** What to do with a document a mapping cannot store. */
public enum OnError {
  /** Stop the collection with an error that names the document, field and column. */
  FAIL,
  /** Write the document to the dead-letter table with the reason, count it, and go on. */
  DEADLETTER
}
