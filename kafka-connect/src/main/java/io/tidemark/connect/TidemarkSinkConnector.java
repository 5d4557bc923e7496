package io.tidemark.connect;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * Tidemark as a Kafka Connect sink: applies MongoDB change events that Debezium's MongoDB connector
 * or MongoDB's Kafka source connector wrote to Kafka, to PostgreSQL tables mapped as the daemon
 * maps them, exactly once (rows and offsets commit together in PostgreSQL). Each task owns the
 * partitions Connect assigns it; see {@link TidemarkSinkTask}.
 */
public final class TidemarkSinkConnector extends SinkConnector {
  private Map<String, String> properties;

  @Override
  public void start(Map<String, String> props) {
    ConnectorSettings settings = new ConnectorSettings(props);
    // Fails the connector at once, with every problem of the YAML, rather than each task later.
    settings.tidemark(props.getOrDefault("name", "tidemark"));
    settings.topicCollections();
    this.properties = Map.copyOf(props);
  }

  @Override
  public Class<? extends Task> taskClass() {
    return TidemarkSinkTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    List<Map<String, String>> configs = new ArrayList<>(maxTasks);
    for (int i = 0; i < maxTasks; i++) {
      Map<String, String> task = new HashMap<>(properties);
      task.put(ConnectorSettings.TASK_ID, Integer.toString(i));
      configs.add(task);
    }
    return configs;
  }

  @Override
  public void stop() {}

  @Override
  public ConfigDef config() {
    return ConnectorSettings.DEFINITION;
  }

  @Override
  public String version() {
    return Versions.tidemark();
  }
}
