package io.tidemark.app.admin;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code GET /ready}: 200 only when this process is the writer and healthy ({@link
 * HealthEndpoint}); 503 for a standby, or a writer whose collections are not all moving data. A
 * load balancer or a Kubernetes readiness probe sends traffic (the admin API's commands) to the
 * writer only.
 */
final class ReadyEndpoint implements Endpoint {
  private final AdminBackend backend;
  private final HealthEndpoint health;

  ReadyEndpoint(AdminBackend backend) {
    this.backend = backend;
    this.health = new HealthEndpoint(backend);
  }

  @Override
  public AdminResponse handle() {
    boolean writer = backend.role() == AdminBackend.Role.WRITER;
    boolean healthy = writer && health.handle().status() == 200;
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("ready", healthy);
    body.put("role", backend.role().name());
    body.put("pipeline", backend.pipeline());
    if (!writer) {
      body.put("detail", "a standby: it waits for the pipeline's writer lock and takes over");
    } else if (!healthy) {
      body.put("detail", "not every collection is moving data; see /health");
    }
    return AdminResponse.json(healthy ? 200 : 503, body);
  }
}
