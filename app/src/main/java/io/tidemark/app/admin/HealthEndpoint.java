package io.tidemark.app.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tidemark.core.pipeline.CollectionState;
import io.tidemark.core.pipeline.CollectionStatus;
import java.util.EnumSet;
import java.util.Set;

/**
 * {@code GET /health}: 200 when every collection is moving data (copying, catching up or streaming)
 * or waiting for its collection to be created, 503 otherwise, with each collection's state so the
 * reason is in the answer, and the process's role. A standby (no collections yet) is healthy: it is
 * alive and ready to take over; {@link ReadyEndpoint} tells it from the writer.
 */
final class HealthEndpoint implements Endpoint {

  /**
   * States in which a collection's table is being kept up to date. WAITING is one: the collection
   * does not exist in the source yet, so there is nothing to miss, and a replicator deployed before
   * the application writes is not broken. PAUSED, RECONNECTING, FAILED, REBUILDING (the live stream
   * is down until the swap), NEW and STOPPED are not.
   */
  static final Set<CollectionState> HEALTHY =
      EnumSet.of(
          CollectionState.WAITING,
          CollectionState.SNAPSHOTTING,
          CollectionState.CATCHING_UP,
          CollectionState.STREAMING);

  /** What a collection in state WAITING waits for; {@code status} prints it too. */
  static String waitingDetail(String collection) {
    return "collection "
        + collection
        + " does not exist in the source yet; it is copied and streamed once created, from a"
        + " time captured before its first insert";
  }

  private final AdminBackend backend;

  HealthEndpoint(AdminBackend backend) {
    this.backend = backend;
  }

  @Override
  public AdminResponse handle() {
    boolean healthy = true;
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ArrayNode collections = JsonNodeFactory.instance.arrayNode();
    for (CollectionStatus s : backend.status()) {
      boolean ok = HEALTHY.contains(s.state());
      healthy &= ok;
      ObjectNode c = collections.addObject();
      c.put("collection", s.collection());
      c.put("state", s.state().name());
      c.put("healthy", ok);
      if (!ok && s.lastError() != null) {
        c.put("lastError", s.lastError());
      }
      if (s.state() == CollectionState.WAITING) {
        c.put("detail", waitingDetail(s.collection()));
      }
    }
    // A standby is alive and well while it waits: /health is its liveness, /ready says "not now".
    body.put("status", healthy ? "UP" : "DOWN");
    body.put("role", backend.role().name());
    body.put("pipeline", backend.pipeline());
    body.set("collections", collections);
    return AdminResponse.json(healthy ? 200 : 503, body);
  }
}
