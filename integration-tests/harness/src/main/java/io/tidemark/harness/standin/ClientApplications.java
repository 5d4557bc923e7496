package io.tidemark.harness.standin;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import org.bson.RawBsonDocument;

/**
 * Tells the {@link CommandObserver} of every command with the application name its connection gave
 * in the handshake. The name is the {@code client.application.name} of the first {@code hello} (or
 * legacy {@code isMaster}) on the connection: "the initial handshake MUST be performed on every
 * socket ... It MUST be the first command sent over the respective socket", and later hellos carry
 * no client metadata ({@code source/mongodb-handshake/handshake.md} in {@code
 * mongodb/specifications}). The name lives on the connection (a Netty channel attribute), so it
 * ends with it.
 */
final class ClientApplications {
  private static final AttributeKey<String> APPLICATION_NAME =
      AttributeKey.valueOf(ClientApplications.class, "applicationName");

  private final CommandObserver observer;

  ClientApplications(CommandObserver observer) {
    this.observer = observer;
  }

  /** Remembers the connection's name from its handshake, then tells the observer. */
  void received(Channel channel, String database, String command, Document query) {
    if (isHandshake(command)
        && query.get("client") instanceof Document client
        && client.get("application") instanceof Document application
        && application.get("name") instanceof String name) {
      channel.attr(APPLICATION_NAME).set(name);
    }
    if (observer == CommandObserver.NONE) {
      return;
    }
    observer.commandReceived(channel.attr(APPLICATION_NAME).get(), database, copyOf(query));
  }

  private static boolean isHandshake(String command) {
    return command.equalsIgnoreCase("hello") || command.equalsIgnoreCase("isMaster");
  }

  /** The command as the driver's BSON type, encoded before any handler can change it. */
  private static RawBsonDocument copyOf(Document query) {
    ByteBuf buffer = Unpooled.buffer();
    try {
      BsonEncoder.encodeDocument(query, buffer);
      return new RawBsonDocument(ByteBufUtil.getBytes(buffer));
    } finally {
      buffer.release();
    }
  }
}
