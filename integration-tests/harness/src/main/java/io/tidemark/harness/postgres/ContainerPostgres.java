package io.tidemark.harness.postgres;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * PostgreSQL 16 in Docker through Testcontainers. A class of its own so that Testcontainers, an
 * optional dependency of the harness, is loaded only where it is on the class path: the daemon's
 * jar (demo, benchmark) does not carry it, and {@link #dockerIsAvailable()} says no there.
 */
final class ContainerPostgres implements AutoCloseable {
  static final String IMAGE = "postgres:16";

  private final PostgreSQLContainer<?> container;

  private ContainerPostgres(PostgreSQLContainer<?> container) {
    this.container = container;
  }

  static boolean dockerIsAvailable() {
    try {
      Class.forName("org.testcontainers.DockerClientFactory");
    } catch (ClassNotFoundException e) {
      return false;
    }
    return DockerClientFactory.instance().isDockerAvailable();
  }

  static ContainerPostgres start() {
    PostgreSQLContainer<?> container = new PostgreSQLContainer<>(DockerImageName.parse(IMAGE));
    container.start();
    return new ContainerPostgres(container);
  }

  String jdbcUrl() {
    return container.getJdbcUrl();
  }

  String username() {
    return container.getUsername();
  }

  String password() {
    return container.getPassword();
  }

  @Override
  public void close() {
    container.stop();
  }
}
