package io.tidemark.app.admin;

/** {@code GET /status}: every collection's progress, position, lag and errors as JSON. */
final class StatusEndpoint implements Endpoint {
  private final AdminBackend backend;

  StatusEndpoint(AdminBackend backend) {
    this.backend = backend;
  }

  @Override
  public AdminResponse handle() {
    return AdminResponse.json(
        200, StatusJson.pipeline(backend.pipeline(), backend.role(), backend.status()));
  }
}
