package io.tidemark.core.spi;

/**
 * The source database of a pipeline. Opened once by the daemon and shared by every collection.
 *
 * <p>Thread-safe: each collection's reader calls {@link #collection(String)} from its own thread.
 */
public interface ChangeSource extends AutoCloseable {

  /** Access to one collection, checked to exist. */
  CollectionSource collection(String name);

  /** Releases connections. Cursors opened from this source stop working. */
  @Override
  void close();
}
