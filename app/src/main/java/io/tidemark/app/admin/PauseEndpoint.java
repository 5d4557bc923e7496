package io.tidemark.app.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tidemark.app.admin.AdminBackend.CollectionControl;

/** {@code POST /collections/{name}/pause}: commit what is complete, then stop reading. */
final class PauseEndpoint implements CollectionEndpoint {
  @Override
  public AdminResponse handle(String name, CollectionControl collection) {
    collection.pause();
    ObjectNode body = AdminResponse.MAPPER.createObjectNode();
    body.put("collection", name);
    body.put("result", "pausing");
    body.put(
        "message",
        "'"
            + name
            + "' commits what is complete and then waits in state PAUSED; resume it with"
            + " POST /collections/"
            + name
            + "/resume.");
    return AdminResponse.json(200, body);
  }
}
