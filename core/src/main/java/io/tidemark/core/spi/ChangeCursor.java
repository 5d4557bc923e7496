package io.tidemark.core.spi;

import io.tidemark.core.event.ChangeEvent;
import io.tidemark.core.position.Position;

/** An open change stream on one collection. Used by one reader thread; close it. */
public interface ChangeCursor extends AutoCloseable {

  /**
   * The next change, or null when none arrived within the source's short wait. Never blocks
   * indefinitely, so the caller can stop and can record {@link #position()} while idle.
   */
  ChangeEvent tryNext();

  /**
   * Where to resume to skip everything read so far, including stretches of the source's log without
   * changes for this collection (MongoDB's post-batch resume token). Null until the source has told
   * us a position.
   */
  Position position();

  @Override
  void close();
}
