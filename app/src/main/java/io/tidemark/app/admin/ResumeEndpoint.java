package io.tidemark.app.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tidemark.app.admin.AdminBackend.CollectionControl;

/** {@code POST /collections/{name}/resume}: carry on from the committed position. */
final class ResumeEndpoint implements CollectionEndpoint {
  @Override
  public AdminResponse handle(String name, CollectionControl collection) {
    collection.resume();
    ObjectNode body = AdminResponse.MAPPER.createObjectNode();
    body.put("collection", name);
    body.put("result", "resuming");
    body.put("message", "'" + name + "' carries on from its last committed position.");
    return AdminResponse.json(200, body);
  }
}
