package io.tidemark.harness.standin;

import de.bwaldvogel.mongo.bson.BinData;
import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;
import java.util.Set;

/**
 * Sessions and causal consistency as a single-node MongoDB replica set serves them, on the
 * stand-in, whose writes are visible and durable the moment they are logged:
 *
 * <ul>
 *   <li>the hello ({@code isMaster}) reply advertises {@code logicalSessionTimeoutMinutes: 30}, the
 *       server's default ({@code localLogicalSessionTimeoutMinutes}, {@code
 *       src/mongo/db/logical_session_id.h}), so drivers start sessions;
 *   <li>every reply carries {@code $clusterTime} next to {@code operationTime}, signed with the
 *       dummy signature (zero hash, key id 0) a server without keys sends ({@code
 *       appendRequiredFieldsToResponse} in {@code src/mongo/s/commands/strategy.cpp});
 *   <li>{@code lsid} and {@code $clusterTime} in a command are accepted (the stock server ignores
 *       them), and {@code endSessions} is answered by the stock server;
 *   <li>{@code readConcern.afterClusterTime} ahead of the server's clock is refused as {@code
 *       waitForReadConcernImpl} refuses it ({@code src/mongo/db/read_concern_mongod.cpp}); one at
 *       or behind the clock needs no wait here, because every logged write is already visible;
 *   <li>read concern levels the stand-in cannot serve ({@code snapshot}: a read at a point in time;
 *       {@code linearizable}) are refused rather than silently served as {@code local}.
 * </ul>
 */
final class LogicalSessions {
  static final int TIMEOUT_MINUTES = 30;

  private static final int INVALID_OPTIONS = 72;
  private static final int NOT_IMPLEMENTED = 238;
  // "available" on a replica set: "For non-sharded collections ... "local" and "available" read
  // concerns behave identically" (manual: reference/read-concern-available).
  private static final Set<String> SERVED_LEVELS = Set.of("local", "majority", "available");

  private LogicalSessions() {}

  /** Adds what a session-capable server says in its hello reply. */
  static void advertise(String command, Document reply) {
    if (command.equalsIgnoreCase("isMaster") || command.equalsIgnoreCase("hello")) {
      reply.put("logicalSessionTimeoutMinutes", TIMEOUT_MINUTES);
    }
  }

  /** Adds {@code operationTime} and {@code $clusterTime}, both the server's current time. */
  static void appendTimes(Document reply, BsonTimestamp now) {
    reply.put("operationTime", now);
    reply.put(
        "$clusterTime",
        new Document("clusterTime", now)
            .append(
                "signature", new Document("hash", new BinData(new byte[20])).append("keyId", 0L)));
  }

  /** Refuses a read concern the stand-in cannot honour, as MongoDB would or more strictly. */
  static void checkReadConcern(Document command, BsonTimestamp now) {
    if (!(command.get("readConcern") instanceof Document readConcern)) {
      return;
    }
    if (readConcern.get("level") instanceof String level && !SERVED_LEVELS.contains(level)) {
      throw new MongoServerError(
          NOT_IMPLEMENTED,
          "NotImplemented",
          "the stand-in does not serve readConcern level '" + level + "'");
    }
    if (readConcern.get("afterClusterTime") instanceof BsonTimestamp after
        && after.compareTo(now) > 0) {
      throw new MongoServerError(
          INVALID_OPTIONS,
          "InvalidOptions",
          "readConcern afterClusterTime value must not be greater than the current clusterTime."
              + " Requested clusterTime: "
              + logicalTime(after)
              + "; current clusterTime: "
              + logicalTime(now));
    }
  }

  /** {@code LogicalTime::toString()}: {@code { ts: Timestamp(s, i) }}. */
  private static String logicalTime(BsonTimestamp t) {
    return "{ ts: Timestamp("
        + Integer.toUnsignedString(t.getTime())
        + ", "
        + Integer.toUnsignedString(t.getInc())
        + ") }";
  }
}
