package io.tidemark.harness.standin;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;
import java.util.Locale;

/**
 * The stand-in's resume tokens: {@code {_data: "82" + the cluster time as 16 hex digits}}, the same
 * leading bytes as MongoDB's tokens (type byte 0x82, then the cluster time; Tidemark and other
 * tools read the time back from the first 18 hex digits), so they sort by time. Every oplog entry
 * has its own time, so the time identifies an event. An invalidate's token is its invalidating
 * event's with {@code "01"} appended, as MongoDB's carries a {@code fromInvalidate} flag ({@code
 * ResumeTokenData} in {@code src/mongo/db/pipeline/resume_token.h}) and sorts after that event's
 * token.
 *
 * @param timestamp the BSON timestamp as its 64-bit value
 * @param fromInvalidate whether this is the token of an {@code invalidate} event
 */
record ResumeTokens(long timestamp, boolean fromInvalidate) {
  private static final String PREFIX = "82";
  private static final String INVALIDATE_SUFFIX = "01";

  /** The token of the event logged at {@code timestamp} (or of a high-water mark there). */
  static Document event(long timestamp) {
    return new Document("_data", PREFIX + String.format(Locale.ROOT, "%016X", timestamp));
  }

  /** The token of the invalidate that follows the event logged at {@code timestamp}. */
  static Document invalidate(long timestamp) {
    return new Document(
        "_data", PREFIX + String.format(Locale.ROOT, "%016X", timestamp) + INVALIDATE_SUFFIX);
  }

  /**
   * Reads a token made by this class; anything else is refused with InvalidResumeToken (260), the
   * code MongoDB gives a token it cannot use ({@code src/mongo/base/error_codes.yml}).
   */
  static ResumeTokens parse(Object token) {
    if (token instanceof Document document && document.get("_data") instanceof String data) {
      boolean plain = data.length() == 18;
      boolean invalidate = data.length() == 20 && data.endsWith(INVALIDATE_SUFFIX);
      if (data.startsWith(PREFIX) && (plain || invalidate)) {
        try {
          return new ResumeTokens(Long.parseUnsignedLong(data.substring(2, 18), 16), invalidate);
        } catch (NumberFormatException e) {
          // falls through to the error below
        }
      }
    }
    throw new MongoServerError(
        260, "InvalidResumeToken", "Not a resume token of this stand-in server: " + token);
  }
}
