package io.tidemark.app.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tidemark.core.pipeline.CollectionState;
import io.tidemark.core.pipeline.CollectionStatus;
import java.util.EnumSet;
import java.util.Set;

/**
 * {@code GET /health}: 200 when every collection is moving data (copying, catching up or
 * streaming), 503 otherwise, with each collection's state so the reason is in the answer.
 */
final class HealthEndpoint implements Endpoint {

  /**
   * States in which a collection's table is being kept up to date. PAUSED, RECONNECTING, FAILED,
   * REBUILDING (the live stream is down until the swap), NEW and STOPPED are not.
   */
  static final Set<CollectionState> HEALTHY =
      EnumSet.of(
          CollectionState.SNAPSHOTTING, CollectionState.CATCHING_UP, CollectionState.STREAMING);

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
    }
    body.put("status", healthy ? "UP" : "DOWN");
    body.put("pipeline", backend.pipeline());
    body.set("collections", collections);
    return AdminResponse.json(healthy ? 200 : 503, body);
  }
}
