package io.tidemark.connect;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.core.config.TidemarkConfig;
import io.tidemark.core.config.YamlConfigLoader;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.pipeline.RowChanges;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.Position;
import io.tidemark.core.spi.ChangeSink;
import io.tidemark.core.spi.RowChange;
import io.tidemark.core.spi.TableSink;
import io.tidemark.harness.net.TcpProxy;
import io.tidemark.harness.postgres.PostgresServer;
import io.tidemark.sink.jdbc.write.JdbcChangeSink;
import io.tidemark.source.mongo.convert.BsonSourceDocument;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The connector on a real Connect cluster: Kafka's own test kit runs a KRaft broker and three
 * distributed workers in this JVM, PostgreSQL is the tests' (reached through a proxy that can cut
 * it). Debezium-format events go in; afterwards the tables must equal the events' end state, every
 * record must be counted once in PostgreSQL's transactional counter, and the offsets PostgreSQL
 * holds must equal the ends of the partitions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectSinkIT {
  private static final int PARTITIONS = 6;

  private PostgresServer postgres;
  private String database;
  private TcpProxy proxy;
  private EmbeddedConnectCluster connect;
  private KafkaProducer<byte[], byte[]> producer;

  @BeforeAll
  void startCluster() {
    postgres = PostgresServer.shared();
    String url = postgres.newDatabase("connect");
    database = url.substring(url.lastIndexOf('/') + 1);
    proxy = TcpProxy.start(postgres.host(), postgres.port());
    Map<String, String> worker = new HashMap<>();
    worker.put("offset.flush.interval.ms", "500");
    // A task stuck in a batch longer than this is abandoned by its stopping worker: the zombie
    // the partition epochs fence.
    worker.put("task.shutdown.graceful.timeout.ms", "1000");
    worker.put("scheduled.rebalance.max.delay.ms", "2000");
    connect =
        new EmbeddedConnectCluster.Builder()
            .name("tidemark-connect")
            .numWorkers(3)
            .numBrokers(1)
            .workerProps(worker)
            .build();
    connect.start();
    producer = connect.kafka().createProducer(Map.of("linger.ms", 5, "batch.size", 262_144));
  }

  @AfterAll
  void stopCluster() {
    if (producer != null) {
      producer.close();
    }
    if (connect != null) {
      connect.stop();
    }
    if (proxy != null) {
      proxy.close();
    }
  }

  @Test
  void exactlyOnceThroughAWorkerStoppedMidBatchARebalanceAndAPostgresCut() throws Exception {
    String topic = "cdc.shop.orders";
    createTopic(topic);
    DebeziumStream events = new DebeziumStream("orders", 15);
    events.snapshot(3_000);
    events.changes(6_000, 4_000);
    events.sendTo(producer, topic);

    long start = System.nanoTime();
    connect.configureConnector("orders-sink", connector(topic, "orders_pipeline", "orders"));
    connect
        .assertions()
        .assertConnectorAndExactlyNumTasksAreRunning(
            "orders-sink", 3, "the connector did not start");
    awaitApplied("orders_pipeline", events.produced() / 3, Duration.ofSeconds(90));

    // A worker stops while its tasks' transactions crawl through a slow link: they outlive the
    // graceful shutdown and are abandoned mid-batch while their partitions move to other tasks.
    proxy.delayFor(Duration.ofSeconds(4), Duration.ofMillis(200));
    connect.removeWorker();
    events.changes(3_000, 4_000);
    events.sendTo(producer, topic);
    Thread.sleep(4_000);
    // A worker joins: the partitions are spread again over three.
    connect.addWorker();
    events.changes(3_000, 4_500);
    events.sendTo(producer, topic);
    // PostgreSQL out of reach for 3 s while the load continues.
    Thread.sleep(1_000);
    proxy.cutFor(Duration.ofSeconds(3));
    events.changes(3_000, 4_500);
    events.sendTo(producer, topic);

    awaitApplied("orders_pipeline", events.produced(), Duration.ofSeconds(180));
    double seconds = (System.nanoTime() - start) / 1e9;
    assertExactlyOnce("orders_pipeline", "orders-sink", topic, "shop", events);
    System.out.printf(
        "connect fault run: %d records over %d partitions applied exactly once in %.1f s"
            + " (a worker stopped mid-batch, a rebalance, a %d-cut of PostgreSQL); %d documents at"
            + " the end; partition epochs %s%n",
        events.produced(),
        PARTITIONS,
        seconds,
        proxy.cuts(),
        events.endState().size(),
        epochs("orders_pipeline"));
    connect.deleteConnector("orders-sink");
  }

  /**
   * The randomized fault campaign on Connect: for each seed of {@code connect.campaign.seeds} (e.g.
   * {@code 1-5}), six random steps, each a fault under load (a worker stopped while its batches
   * crawl, a worker added, PostgreSQL cut, a task restarted, the connector paused), then the same
   * end-state checks. Off by default: the fixed run above is the one in every build.
   */
  @Test
  @EnabledIfSystemProperty(named = "connect.campaign.seeds", matches = "\\d+(-\\d+)?")
  void randomizedFaultCampaign() throws Exception {
    String[] range = System.getProperty("connect.campaign.seeds").split("-");
    long first = Long.parseLong(range[0]);
    long last = range.length > 1 ? Long.parseLong(range[1]) : first;
    for (long seed = first; seed <= last; seed++) {
      campaignRun(seed);
    }
  }

  private void campaignRun(long seed) throws Exception {
    java.util.Random random = new java.util.Random(seed);
    String topic = "cdc.campaign" + seed + ".orders";
    String pipeline = "campaign_" + seed;
    String name = "campaign-" + seed;
    String schema = "campaign_" + seed;
    createTopic(topic);
    DebeziumStream events = new DebeziumStream("orders", seed);
    events.snapshot(1_000 + random.nextInt(2_000));
    events.sendTo(producer, topic);
    long start = System.nanoTime();
    connect.configureConnector(name, connector(topic, pipeline, "orders", schema));
    List<String> steps = new java.util.ArrayList<>();
    int idRange = 3_000;
    for (int step = 0; step < 6; step++) {
      int workers = connect.workers().size();
      int fault = random.nextInt(5);
      switch (fault) {
        case 0 -> {
          if (workers > 1) {
            proxy.delayFor(
                Duration.ofMillis(1_000 + random.nextInt(3_000)),
                Duration.ofMillis(100 + random.nextInt(200)));
            connect.removeWorker();
            steps.add("worker stopped mid-batch");
          } else {
            connect.addWorker();
            steps.add("worker added");
          }
        }
        case 1 -> {
          if (workers < 4) {
            connect.addWorker();
            steps.add("worker added");
          } else {
            connect.removeWorker();
            steps.add("worker stopped");
          }
        }
        case 2 -> {
          int millis = 1_000 + random.nextInt(3_000);
          proxy.cutFor(Duration.ofMillis(millis));
          steps.add("PostgreSQL cut " + millis + " ms");
        }
        case 3 -> {
          int task = random.nextInt(3);
          try {
            connect.restartTask(name, task);
            steps.add("task " + task + " restarted");
          } catch (RuntimeException rebalancing) {
            steps.add(
                "task "
                    + task
                    + " restart refused ("
                    + rebalancing.getClass().getSimpleName()
                    + ")");
          }
        }
        default -> {
          connect.pauseConnector(name);
          Thread.sleep(500 + random.nextInt(1_500));
          connect.resumeConnector(name);
          steps.add("connector paused");
        }
      }
      idRange += 500;
      events.changes(500 + random.nextInt(2_500), idRange);
      events.sendTo(producer, topic);
      Thread.sleep(500 + random.nextInt(1_500));
    }
    while (connect.workers().size() < 3) {
      connect.addWorker(); // back to three, for the next seed and the other tests
    }
    while (connect.workers().size() > 3) {
      connect.removeWorker();
    }
    awaitApplied(pipeline, events.produced(), Duration.ofSeconds(240));
    assertExactlyOnce(pipeline, name, topic, schema, events);
    System.out.printf(
        "connect campaign seed %d: %d records, %d documents at the end, applied exactly once in"
            + " %.1f s through %s; partition epochs %s%n",
        seed,
        events.produced(),
        events.endState().size(),
        (System.nanoTime() - start) / 1e9,
        steps,
        epochs(pipeline));
    connect.deleteConnector(name);
  }

  @Test
  void throughputOfInsertsThroughTheClusterIntoPostgres() throws Exception {
    measure("events", false);
  }

  /** A source connector's initial copy (Debezium op r): written by COPY first. */
  @Test
  void throughputOfAnInitialCopyThroughTheClusterIntoPostgres() throws Exception {
    long bulk = measure("copied", true);
    assertThat(bulk).as("transactions written by COPY").isPositive();
  }

  /**
   * Applies {@code connect.bench.documents} new documents through the cluster, then the daemon's
   * write path on the same rows, and prints both rates.
   *
   * @return the transactions the tasks wrote by COPY
   */
  private long measure(String collection, boolean initialCopy) throws Exception {
    String topic = "bench.shop." + collection;
    String name = collection + "-sink";
    String pipeline = collection + "_pipeline";
    createTopic(topic);
    DebeziumStream events = new DebeziumStream(collection, 7);
    int documents = Integer.getInteger("connect.bench.documents", 30_000);
    if (initialCopy) {
      events.snapshot(documents);
    } else {
      events.inserts(0, documents);
    }
    events.sendTo(producer, topic);

    long start = System.nanoTime();
    connect.configureConnector(name, connector(topic, pipeline, collection));
    awaitApplied(pipeline, 1, Duration.ofSeconds(120));
    // Measured from the first committed batch: the tasks' start and the consumer group's join
    // (seconds, whatever the load) are not the write rate.
    long firstBatch = System.nanoTime();
    long appliedAtFirst = recordsApplied(pipeline);
    awaitApplied(pipeline, events.produced(), Duration.ofSeconds(300));
    double seconds = (System.nanoTime() - firstBatch) / 1e9;
    double startSeconds = (firstBatch - start) / 1e9;

    assertThat(query("SELECT count(*) FROM shop." + collection).get(0).get(0))
        .isEqualTo(Integer.toString(documents));
    double connectRate = (documents - appliedAtFirst) / seconds;
    double daemonRate = daemonWritePath(events.documents(), collection);
    long bulk = workerMetric(name, "bulk-transactions-total");
    System.out.printf(
        "connect throughput, %s: %d documents (with child rows) from %d partitions by %s tasks on"
            + " 3 workers: first batch after %.1f s, then %.0f rows/s over %.1f s (%d of %d"
            + " transactions by COPY); the daemon's write path on the same rows and PostgreSQL, in"
            + " this JVM: %.0f rows/s; Connect / daemon = %.2f%n",
        initialCopy ? "initial copy (op r)" : "inserts (op c)",
        documents,
        PARTITIONS,
        System.getProperty("connect.tasks", "3"),
        startSeconds,
        connectRate,
        seconds,
        bulk,
        workerMetric(name, "transactions-total"),
        daemonRate,
        connectRate / daemonRate);
    assertThat(workerMetric(name, "records-applied-total"))
        .as("the tasks' counters, as the workers report them (plugin metrics, in JMX)")
        .isEqualTo(documents);
    connect.deleteConnector(name);
    return bulk;
  }

  /**
   * The baseline measured in the same run: the same documents through what the daemon's stream does
   * once it has read a change (map with the collection's mapping, apply batches of stream.batchSize
   * with the position), into a schema of their own on the same PostgreSQL.
   */
  private double daemonWritePath(List<String> documents, String collection) {
    TidemarkConfig config =
        new YamlConfigLoader()
            .parseWithoutSource(
                connector("unused", "daemon_baseline", collection)
                    .get("tidemark.config.yaml")
                    .replace("schema: shop", "schema: daemon"),
                "baseline",
                "daemon_baseline");
    TableMapping mapping = config.collections().get(0);
    try (JdbcChangeSink sink = JdbcChangeSink.open(config.sink(), config.pipeline())) {
      TableSink table = sink.open(mapping, ChangeSink.Target.LIVE);
      RowChanges mapper = new RowChanges(mapping, sink.valueEncoding());
      int batch = 2_000; // stream.batchSize's default
      long start = System.nanoTime();
      for (int from = 0; from < documents.size(); from += batch) {
        List<RowChange> changes = new java.util.ArrayList<>(batch);
        for (String json : documents.subList(from, Math.min(documents.size(), from + batch))) {
          changes.add(mapper.upsert(new BsonSourceDocument(RawBsonDocument.parse(json))));
        }
        table.applyBatch(changes, new Position("baseline", new ClusterTime(1, from + 1)));
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      assertThat(query("SELECT count(*) FROM daemon." + collection).get(0).get(0))
          .isEqualTo(Integer.toString(documents.size()));
      return documents.size() / seconds;
    }
  }

  /**
   * Creates the topic and waits until each partition has a leader: records sent before that are
   * retried by the producer, and a retry that meets its own later batch is refused
   * (OutOfOrderSequenceException), which lost the first records of a seed's topic once.
   */
  private void createTopic(String topic) throws Exception {
    connect.kafka().createTopic(topic, PARTITIONS);
    try (Admin admin =
        Admin.create(Map.of("bootstrap.servers", connect.kafka().bootstrapServers()))) {
      await(
          () -> {
            try {
              var description =
                  admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
              return description.partitions().size() == PARTITIONS
                  && description.partitions().stream().allMatch(p -> p.leader() != null);
            } catch (Exception notYet) {
              return false;
            }
          },
          Duration.ofSeconds(30),
          () -> "topic " + topic + " has no leader for every partition");
    }
  }

  /** A task metric summed over the connector's tasks, read from the workers' JMX beans. */
  private static long workerMetric(String connector, String metric) throws Exception {
    javax.management.MBeanServer jmx =
        java.lang.management.ManagementFactory.getPlatformMBeanServer();
    long sum = 0;
    for (javax.management.ObjectName bean :
        jmx.queryNames(new javax.management.ObjectName("kafka.connect:type=plugins,*"), null)) {
      if (connector.equals(bean.getKeyProperty("connector"))) {
        try {
          sum += ((Number) jmx.getAttribute(bean, metric)).longValue();
        } catch (javax.management.AttributeNotFoundException notThisPlugin) {
          // the converters' beans carry other attributes
        }
      }
    }
    return sum;
  }

  /**
   * The end state: the table equals the events', no delta went to the dead letters, PostgreSQL's
   * offsets are the partitions' ends, every record is counted once by the transactions that applied
   * it, and Kafka's committed offsets never passed PostgreSQL's.
   */
  private void assertExactlyOnce(
      String pipeline, String connector, String topic, String schema, DebeziumStream events)
      throws Exception {
    assertThat(tableState(schema)).isEqualTo(events.endState());
    assertThat(
            query("SELECT count(*) FROM tidemark.dead_letter WHERE pipeline = '" + pipeline + "'")
                .get(0)
                .get(0))
        .as("every delta update found its stored document")
        .isEqualTo("0");
    Map<TopicPartition, Long> stored = storedOffsets(pipeline);
    assertThat(stored).isEqualTo(endOffsets(topic));
    assertThat(recordsApplied(pipeline))
        .as("records counted by the transactions that applied them: each once")
        .isEqualTo(events.produced());
    consumerGroupOffsets(connector)
        .forEach(
            (tp, offset) ->
                assertThat(offset.offset())
                    .as("Kafka's committed offset of %s never passes PostgreSQL's", tp)
                    .isLessThanOrEqualTo(stored.get(tp)));
  }

  private Map<String, String> connector(String topics, String pipeline, String collection) {
    return connector(topics, pipeline, collection, "shop");
  }

  private Map<String, String> connector(
      String topics, String pipeline, String collection, String schema) {
    Map<String, String> config = new HashMap<>();
    config.put("connector.class", TidemarkSinkConnector.class.getName());
    config.put("tasks.max", System.getProperty("connect.tasks", "3"));
    config.put("topics", topics);
    config.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
    config.put("key.converter.schemas.enable", "false");
    config.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
    config.put("value.converter.schemas.enable", "false");
    // Connect's defaults unless a measurement asks otherwise (max.poll.records is 500).
    String maxPollRecords = System.getProperty("connect.max.poll.records");
    if (maxPollRecords != null) {
      config.put("consumer.override.max.poll.records", maxPollRecords);
    }
    String lingerMillis = System.getProperty("connect.batch.linger.ms");
    if (lingerMillis != null) {
      config.put("batch.linger.ms", lingerMillis);
    }
    config.put(
        "tidemark.config.yaml",
        "pipeline: "
            + pipeline
            + "\n"
            + SinkYaml.of(
                postgres,
                "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + database,
                "  schema: " + schema,
                "  socketTimeout: 10s",
                "collections:",
                "  - name: " + collection,
                "    documentColumn: doc",
                "    columns:",
                "      - { field: status }",
                "      - { field: version, type: integer }",
                "    children:",
                "      - field: items",
                "        table: " + collection + "_items",
                "        columns:",
                "          - { field: qty, type: integer }"));
    return config;
  }

  private void awaitApplied(String pipeline, long records, Duration timeout) throws Exception {
    await(
        () -> recordsApplied(pipeline) >= records,
        timeout,
        () -> "records applied: " + recordsApplied(pipeline) + " of " + records);
  }

  private static void await(
      BooleanSupplier condition, Duration timeout, java.util.function.Supplier<String> state)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + ": " + state.get());
      }
      Thread.sleep(200);
    }
  }

  private long recordsApplied(String pipeline) {
    if (query("SELECT to_regclass('tidemark.partition_offset') IS NOT NULL")
        .get(0)
        .get(0)
        .equals("f")) {
      return 0; // the first task has not created the metadata tables yet
    }
    List<List<String>> rows =
        query(
            "SELECT coalesce(sum(records_applied), 0) FROM tidemark.partition_offset WHERE"
                + " pipeline = '"
                + pipeline
                + "'");
    return Long.parseLong(rows.get(0).get(0));
  }

  private Map<TopicPartition, Long> storedOffsets(String pipeline) {
    Map<TopicPartition, Long> offsets =
        new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
    for (List<String> row :
        query(
            "SELECT topic, kafka_partition, next_offset FROM tidemark.partition_offset WHERE pipeline = '"
                + pipeline
                + "'")) {
      offsets.put(
          new TopicPartition(row.get(0), Integer.parseInt(row.get(1))), Long.parseLong(row.get(2)));
    }
    return offsets;
  }

  private String epochs(String pipeline) {
    return query(
            "SELECT kafka_partition || ':' || epoch FROM tidemark.partition_offset WHERE pipeline = '"
                + pipeline
                + "' ORDER BY kafka_partition")
        .stream()
        .map(r -> r.get(0))
        .collect(Collectors.joining(" "));
  }

  private Map<String, String> tableState(String schema) {
    Map<String, String> state = new TreeMap<>();
    for (List<String> row :
        query(
            "SELECT o._id, o.status, o.version, coalesce((SELECT string_agg(i.qty::text, ',' ORDER BY i.items_index) FROM "
                + schema
                + ".orders_items i WHERE i._id = o._id), '') FROM "
                + schema
                + ".orders o")) {
      state.put(row.get(0), row.get(1) + "|" + row.get(2) + "|" + row.get(3));
    }
    return state;
  }

  private Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
    try (Admin admin =
        Admin.create(Map.of("bootstrap.servers", connect.kafka().bootstrapServers()))) {
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      for (int p = 0; p < PARTITIONS; p++) {
        request.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
      Map<TopicPartition, Long> ends =
          new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
      admin.listOffsets(request).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
      return ends;
    }
  }

  private Map<TopicPartition, OffsetAndMetadata> consumerGroupOffsets(String connector)
      throws Exception {
    try (Admin admin =
        Admin.create(Map.of("bootstrap.servers", connect.kafka().bootstrapServers()))) {
      return admin
          .listConsumerGroupOffsets("connect-" + connector)
          .partitionsToOffsetAndMetadata()
          .get();
    }
  }

  private List<List<String>> query(String sql) {
    DataSource ds = postgres.dataSource(postgres.jdbcUrl(database));
    try (Connection c = ds.getConnection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      int columns = rs.getMetaData().getColumnCount();
      List<List<String>> rows = new java.util.ArrayList<>();
      while (rs.next()) {
        List<String> row = new java.util.ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          row.add(rs.getString(i));
        }
        rows.add(row);
      }
      return rows;
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }
}
