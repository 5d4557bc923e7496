package io.tidemark.source.mongo;

import com.mongodb.connection.ServerConnectionState;
import com.mongodb.event.ServerDescriptionChangedEvent;
import com.mongodb.event.ServerListener;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs when a MongoDB server becomes unreachable and when it is back. While a server is away, the
 * driver retries on its own and change streams resume by themselves, so without this line an
 * operator would see nothing of the outage.
 */
final class ConnectivityLog implements ServerListener {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectivityLog.class);

  private final Map<String, Long> downSince = new ConcurrentHashMap<>();

  @Override
  public void serverDescriptionChanged(ServerDescriptionChangedEvent event) {
    String server = event.getNewDescription().getAddress().toString();
    boolean wasUp = event.getPreviousDescription().getState() == ServerConnectionState.CONNECTED;
    boolean isUp = event.getNewDescription().getState() == ServerConnectionState.CONNECTED;
    if (wasUp && !isUp) {
      downSince.put(server, System.nanoTime());
      Throwable cause = event.getNewDescription().getException();
      LOG.warn(
          "MongoDB server {} is unreachable ({}); the driver keeps retrying and open change streams"
              + " resume from their last position once it is back",
          server,
          cause == null ? "no reply" : cause.getMessage());
    } else if (!wasUp && isUp) {
      Long since = downSince.remove(server);
      if (since != null) {
        LOG.info(
            "MongoDB server {} is reachable again after {} ms",
            server,
            (System.nanoTime() - since) / 1_000_000);
      }
    }
  }
}
