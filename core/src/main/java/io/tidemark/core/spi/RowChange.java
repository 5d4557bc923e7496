package io.tidemark.core.spi;

import io.tidemark.core.event.DocumentKey;
import io.tidemark.core.mapping.MappedRow;

/** One change to a target table, the final state of one key within a batch. */
public sealed interface RowChange permits RowChange.Upsert, RowChange.Delete, RowChange.DeadLetter {

  DocumentKey key();

  /** Insert the row, or replace the row with the same key. */
  record Upsert(MappedRow row) implements RowChange {
    public DocumentKey key() {
      return row.key();
    }
  }

  /** Delete the row with this key, if there is one. */
  record Delete(DocumentKey key) implements RowChange {}

  /**
   * A document that could not be mapped: kept in the dead-letter table with the reason. Its old
   * row, if any, is deleted so that the table never shows a state the source no longer has.
   */
  record DeadLetter(DocumentKey key, String documentJson, String reason) implements RowChange {}
}
