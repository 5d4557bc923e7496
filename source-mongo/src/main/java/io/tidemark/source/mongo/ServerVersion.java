package io.tidemark.source.mongo;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A MongoDB server's version as {@code buildInfo} reports it, and the optional features Tidemark
 * uses when the server has them.
 */
record ServerVersion(int major, int minor, int patch, String text) {
  private static final Pattern NUMBERS = Pattern.compile("^(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

  /**
   * Parses {@code "7.0.12"}, {@code "6.0.9-ent"}, {@code "8.0.0-rc1"}; unknown forms give 0.0.0.
   */
  static ServerVersion parse(String text) {
    Matcher m = NUMBERS.matcher(text == null ? "" : text);
    if (!m.find()) {
      return new ServerVersion(0, 0, 0, String.valueOf(text));
    }
    return new ServerVersion(
        Integer.parseInt(m.group(1)),
        Integer.parseInt(m.group(2)),
        m.group(3) == null ? 0 : Integer.parseInt(m.group(3)),
        text);
  }

  /**
   * Whether the server can split a change event over 16 MB into fragments ({@code
   * $changeStreamSplitLargeEvent}): MongoDB 7.0 and later, and 6.0 from 6.0.9.
   */
  boolean splitsLargeEvents() {
    return major >= 7 || (major == 6 && minor == 0 && patch >= 9);
  }

  /** Whether aggregation has the {@code $unset} stage: MongoDB 4.2 and later. */
  boolean hasUnsetStage() {
    return major > 4 || (major == 4 && minor >= 2);
  }

  /** How this server's change streams get past an event over 16 MB. */
  io.tidemark.source.mongo.stream.LargeEvents largeEvents() {
    if (splitsLargeEvents()) {
      return io.tidemark.source.mongo.stream.LargeEvents.SPLIT;
    }
    return hasUnsetStage()
        ? io.tidemark.source.mongo.stream.LargeEvents.TRIM_AFTER_FAILURE
        : io.tidemark.source.mongo.stream.LargeEvents.NONE;
  }

  @Override
  public String toString() {
    return text;
  }
}
