package io.tidemark.core.spi;

import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.mapping.ValueEncoding;

/**
 * The read-only side of a sink: opens a {@link TableScanner} per table. It takes no lock and
 * changes nothing (not even the sink's metadata), so it may run beside a daemon and with a user
 * that may only read. Thread-safe; close it to release its connections.
 */
public interface SinkReader extends AutoCloseable {

  /**
   * How this sink spells values, the same as its writing side's: rows mapped with it are the rows
   * {@link TableScanner#cells} expects.
   */
  ValueEncoding valueEncoding();

  /** The scanner of a mapping's live table. */
  TableScanner scanner(TableMapping mapping);

  @Override
  void close();
}
