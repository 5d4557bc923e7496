package io.tidemark.app.admin;

/** {@code GET /metrics}: every meter in the Prometheus text format, for a scraper. */
final class MetricsEndpoint implements Endpoint {
  private final AdminBackend backend;

  MetricsEndpoint(AdminBackend backend) {
    this.backend = backend;
  }

  @Override
  public AdminResponse handle() {
    return AdminResponse.text(200, AdminResponse.PROMETHEUS_TEXT, backend.scrapeMetrics());
  }
}
