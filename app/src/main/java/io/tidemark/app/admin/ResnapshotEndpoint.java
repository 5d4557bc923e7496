package io.tidemark.app.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tidemark.app.admin.AdminBackend.CollectionControl;

/**
 * {@code POST /collections/{name}/resnapshot}: start a rebuild into a shadow table (202), or say
 * that one is already running (409).
 */
final class ResnapshotEndpoint implements CollectionEndpoint {
  @Override
  public AdminResponse handle(String name, CollectionControl collection) {
    if (!collection.requestResnapshot()) {
      return AdminResponse.error(
          409,
          "A rebuild of '"
              + name
              + "' is already running; follow it in GET /status (collections[].rebuild).");
    }
    ObjectNode body = AdminResponse.MAPPER.createObjectNode();
    body.put("collection", name);
    body.put("result", "rebuild started");
    body.put(
        "message",
        "'"
            + name
            + "' is being copied into a shadow table; the live table stays readable and is"
            + " replaced in one transaction when the copy has caught up. Follow it in GET /status.");
    return AdminResponse.json(202, body);
  }
}
