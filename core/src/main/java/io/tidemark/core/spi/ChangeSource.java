package io.tidemark.core.spi;

import io.tidemark.core.position.HistoryWindow;
import java.util.Optional;

/**
 * The source database of a pipeline. Opened once by the daemon and shared by every collection.
 *
 * <p>Thread-safe: each collection's reader calls {@link #collection(String)} from its own thread.
 */
public interface ChangeSource extends AutoCloseable {

  /** Access to one collection, which may not exist yet ({@link CollectionSource#exists()}). */
  CollectionSource collection(String name);

  /**
   * The source history still available for resuming, or empty when the source does not let us read
   * it (permissions, a router in front of shards, a server without an oplog).
   */
  default Optional<HistoryWindow> historyWindow() {
    return Optional.empty();
  }

  /** Releases connections. Cursors opened from this source stop working. */
  @Override
  void close();
}
