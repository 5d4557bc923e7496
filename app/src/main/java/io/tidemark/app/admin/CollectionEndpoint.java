package io.tidemark.app.admin;

import io.tidemark.app.admin.AdminBackend.CollectionControl;

/**
 * An admin endpoint under {@code /collections/{name}/}; the router has already found the
 * collection. Called on the server's request threads.
 */
@FunctionalInterface
interface CollectionEndpoint {
  AdminResponse handle(String name, CollectionControl collection);
}
