package io.tidemark.harness.standin;

import org.bson.BsonDocument;

/**
 * Sees every command the stand-in receives, before it runs, with the name the client gave itself in
 * its handshake ({@code client.application.name}: {@code source/mongodb-handshake/handshake.md} in
 * {@code mongodb/specifications}; Tidemark's production clients call themselves {@code tidemark}).
 * Tests use it to record what production code sends, also from daemons in other JVMs.
 *
 * <p>Called on the server's network threads: must be quick, thread-safe and must not throw.
 */
@FunctionalInterface
public interface CommandObserver {

  /** Observes nothing. */
  CommandObserver NONE = (applicationName, database, command) -> {};

  /**
   * @param applicationName the client's {@code client.application.name}, or null when it gave none
   * @param database the database the command was sent to ({@code $db})
   * @param command the command as received; an immutable copy
   */
  void commandReceived(String applicationName, String database, BsonDocument command);
}
