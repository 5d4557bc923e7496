package io.tidemark.it.campaign;

/** MongoDB cluster times as the metadata tables store them (seconds << 32 | increment). */
final class Times {
  private Times() {}

  /** {@code seconds.increment}, as {@code /status} shows a checkpoint. */
  static String format(long packed) {
    return (packed >>> 32) + "." + (packed & 0xFFFFFFFFL);
  }
}
