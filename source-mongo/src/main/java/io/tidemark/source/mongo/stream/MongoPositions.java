package io.tidemark.source.mongo.stream;

import com.mongodb.client.model.changestream.ChangeStreamDocument;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.Position;
import io.tidemark.source.mongo.convert.BsonValues;
import java.util.HexFormat;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonTimestamp;

/**
 * Writes and reads the opaque position tokens core stores for MongoDB. A token says how to reopen
 * the stream: {@code resumeAfter} an event's resume token, {@code startAfter} an invalidate token,
 * or {@code startAt} an operation time (inclusive).
 */
public final class MongoPositions {
  private static final String MODE = "mode";

  private MongoPositions() {}

  /** How a stream is reopened from a position. */
  public enum Mode {
    RESUME_AFTER,
    START_AFTER,
    START_AT
  }

  /** A parsed position token. {@code resumeToken} is null for START_AT. */
  public record Parsed(Mode mode, BsonDocument resumeToken, BsonTimestamp startAt) {
    public Parsed {
      resumeToken = resumeToken == null ? null : resumeToken.clone();
    }

    /** A copy: the driver may keep the document it is given. */
    @Override
    public BsonDocument resumeToken() {
      return resumeToken == null ? null : resumeToken.clone();
    }
  }

  public static Position startAt(ClusterTime time) {
    BsonDocument token =
        new BsonDocument(MODE, new BsonString("startAt"))
            .append("time", new BsonTimestamp((int) time.seconds(), (int) time.increment()));
    return new Position(token.toJson(BsonValues.CANONICAL), time);
  }

  public static Position afterEvent(
      BsonDocument resumeToken, ClusterTime time, boolean invalidate) {
    BsonDocument token =
        new BsonDocument(MODE, new BsonString(invalidate ? "startAfter" : "resumeAfter"))
            .append("token", resumeToken);
    return new Position(token.toJson(BsonValues.CANONICAL), time);
  }

  public static Parsed parse(Position position) {
    BsonDocument token = BsonDocument.parse(position.token());
    String mode = token.getString(MODE).getValue();
    switch (mode) {
      case "startAt":
        return new Parsed(Mode.START_AT, null, token.getTimestamp("time"));
      case "startAfter":
        return new Parsed(Mode.START_AFTER, token.getDocument("token"), null);
      case "resumeAfter":
        return new Parsed(Mode.RESUME_AFTER, token.getDocument("token"), null);
      default:
        throw new IllegalArgumentException("unknown position mode '" + mode + "' in " + position);
    }
  }

  /**
   * A change's cluster time: its {@code clusterTime}, or the time in its resume token; null when it
   * has neither.
   */
  public static ClusterTime timeOf(ChangeStreamDocument<?> change) {
    BsonTimestamp time = change.getClusterTime();
    return time != null ? clusterTime(time) : decodeClusterTime(change.getResumeToken());
  }

  public static ClusterTime clusterTime(BsonTimestamp ts) {
    return new ClusterTime(
        Integer.toUnsignedLong(ts.getTime()), Integer.toUnsignedLong(ts.getInc()));
  }

  /**
   * The cluster time inside a resume token, or null when the token is not in the known format. The
   * server's KeyString encoding starts with byte 0x82 and the 8-byte big-endian timestamp
   * (CHANGE-STREAMS.md §2).
   */
  public static ClusterTime decodeClusterTime(BsonDocument resumeToken) {
    if (resumeToken == null || !resumeToken.isString("_data")) {
      return null;
    }
    String hex = resumeToken.getString("_data").getValue();
    if (hex.length() < 18 || !hex.regionMatches(true, 0, "82", 0, 2)) {
      return null;
    }
    try {
      byte[] bytes = HexFormat.of().parseHex(hex, 2, 18);
      long seconds = 0;
      long increment = 0;
      for (int i = 0; i < 4; i++) {
        seconds = (seconds << 8) | (bytes[i] & 0xFF);
        increment = (increment << 8) | (bytes[i + 4] & 0xFF);
      }
      return new ClusterTime(seconds, increment);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
