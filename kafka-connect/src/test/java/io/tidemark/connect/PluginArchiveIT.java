package io.tidemark.connect;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.harness.postgres.PostgresServer;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.sink.SinkTask;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.junit.jupiter.api.Test;

/**
 * The plugin archive the build makes, loaded the way a worker loads a plugin from {@code
 * plugin.path}: its {@code lib/} jars in a class loader of their own, above only what a worker
 * provides (the Connect API, Kafka's clients, SLF4J). The connector and a task must start from it
 * and create their tables: a library missing from the archive fails here, not on a user's worker.
 */
class PluginArchiveIT {

  @Test
  void theArchivesConnectorAndTaskRunFromItsOwnJarsAlone() throws Exception {
    Path archive = archive();
    Path unpacked = Files.createTempDirectory("tidemark-plugin");
    unzip(archive, unpacked);
    List<URL> jars = new ArrayList<>();
    try (Stream<Path> lib = Files.list(single(unpacked).resolve("lib"))) {
      for (Path jar : lib.sorted().toList()) {
        jars.add(jar.toUri().toURL());
      }
    }
    PostgresServer postgres = PostgresServer.shared();
    String url = postgres.newDatabase("plugin");
    Map<String, String> config =
        Map.of(
            "name",
            "archive-check",
            "topics",
            "cdc.shop.orders",
            "tidemark.config.yaml",
            SinkYaml.of(
                postgres,
                url,
                "collections:",
                "  - name: orders",
                "    columns:",
                "      - { field: status }"));

    ClassLoader before = Thread.currentThread().getContextClassLoader();
    try (URLClassLoader plugin = new PluginLoader(jars.toArray(URL[]::new))) {
      // As a worker does while it runs a plugin's code.
      Thread.currentThread().setContextClassLoader(plugin);
      Class<?> connectorClass = plugin.loadClass(TidemarkSinkConnector.class.getName());
      assertThat(connectorClass.getClassLoader()).isSameAs(plugin);
      SinkConnector connector =
          (SinkConnector) connectorClass.getDeclaredConstructor().newInstance();
      connector.start(config);
      List<Map<String, String>> tasks = connector.taskConfigs(2);
      assertThat(tasks).hasSize(2);
      assertThat(connector.version()).isEqualTo(implementationVersion(jars));

      SinkTask task = (SinkTask) connector.taskClass().getDeclaredConstructor().newInstance();
      task.initialize(new NoContext());
      task.start(tasks.get(0));
      task.stop();
      connector.stop();
    } finally {
      Thread.currentThread().setContextClassLoader(before);
    }
    try (var c = postgres.dataSource(url).getConnection();
        var rs =
            c.createStatement().executeQuery("SELECT to_regclass('public.orders') IS NOT NULL")) {
      rs.next();
      assertThat(rs.getBoolean(1)).as("the task created its table").isTrue();
    }
  }

  private static Path archive() throws IOException {
    try (Stream<Path> target = Files.list(Path.of("target"))) {
      return target
          .filter(p -> p.getFileName().toString().endsWith("-plugin.zip"))
          .findFirst()
          .orElseThrow(
              () -> new AssertionError("no plugin archive in target/: the package phase makes it"));
    }
  }

  private static Path single(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findFirst().orElseThrow();
    }
  }

  private static void unzip(Path archive, Path into) throws IOException {
    try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(archive))) {
      for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
        Path out = into.resolve(e.getName()).normalize();
        if (!out.startsWith(into)) {
          throw new IOException("entry outside the archive's folder: " + e.getName());
        }
        if (e.isDirectory()) {
          Files.createDirectories(out);
        } else {
          Files.createDirectories(out.getParent());
          Files.copy(zip, out);
        }
      }
    }
  }

  private static String implementationVersion(List<URL> jars) throws IOException {
    for (URL jar : jars) {
      String file = jar.getPath().substring(jar.getPath().lastIndexOf('/') + 1);
      if (file.startsWith("tidemark-kafka-connect-")) {
        try (var opened = new java.util.jar.JarFile(jar.getPath())) {
          return opened.getManifest().getMainAttributes().getValue("Implementation-Version");
        }
      }
    }
    throw new AssertionError("the connector's jar is not in the archive's lib/");
  }

  /**
   * What a worker's plugin class loader does (Kafka's {@code PluginClassLoader}): the archive's
   * jars first, and only the Connect and Kafka APIs and SLF4J from the worker. Everything else the
   * connector needs must be in the archive; this test's own class path is not consulted.
   */
  private static final class PluginLoader extends URLClassLoader {
    private static final ClassLoader WORKER = PluginArchiveIT.class.getClassLoader();

    PluginLoader(URL[] jars) {
      super(jars, ClassLoader.getPlatformClassLoader());
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (name.startsWith("org.apache.kafka.") || name.startsWith("org.slf4j.")) {
        return WORKER.loadClass(name);
      }
      return super.loadClass(name, resolve);
    }
  }

  /** A task started outside a worker: nothing asks it for assignments or pauses. */
  private static final class NoContext implements SinkTaskContext {
    @Override
    public Map<String, String> configs() {
      return Map.of();
    }

    @Override
    public void offset(Map<org.apache.kafka.common.TopicPartition, Long> offsets) {}

    @Override
    public void offset(org.apache.kafka.common.TopicPartition tp, long offset) {}

    @Override
    public void timeout(long timeoutMs) {}

    @Override
    public java.util.Set<org.apache.kafka.common.TopicPartition> assignment() {
      return java.util.Set.of();
    }

    @Override
    public void pause(org.apache.kafka.common.TopicPartition... partitions) {}

    @Override
    public void resume(org.apache.kafka.common.TopicPartition... partitions) {}

    @Override
    public void requestCommit() {}

    @Override
    public org.apache.kafka.common.metrics.PluginMetrics pluginMetrics() {
      return null;
    }
  }
}
