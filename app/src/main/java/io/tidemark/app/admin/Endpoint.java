package io.tidemark.app.admin;

/** An admin endpoint at a fixed path. Called on the server's request threads. */
@FunctionalInterface
interface Endpoint {
  AdminResponse handle();
}
