package io.tidemark.core.config;

import io.tidemark.core.mapping.OnError;
import io.tidemark.core.mapping.OnHistoryLost;
import io.tidemark.core.mapping.SchemaEvolution;
import io.tidemark.core.mapping.SqlType;
import java.time.Duration;
import java.util.List;

/**
 * Every configuration key Tidemark accepts. The reference in docs/configuration.md is made from
 * this list.
 */
public final class ConfigKeys {
  private ConfigKeys() {}

  private static final ValueType<OnHistoryLost> ON_HISTORY_LOST_TYPE =
      ValueType.oneOf(OnHistoryLost.class, "fail", "resnapshot");

  private static final ValueType<SchemaEvolution> EVOLVE_TYPE =
      ValueType.oneOf(SchemaEvolution.class, "none", "addColumns");

  public static final ConfigKey<String> PIPELINE =
      ConfigKey.optional(
          "",
          "pipeline",
          ValueType.STRING,
          "tidemark",
          "Name of this pipeline. Checkpoints in the sink are kept per pipeline, so two pipelines"
              + " may share a sink database.");

  public static final ConfigKey<Boolean> STANDBY =
      ConfigKey.optional(
          "",
          "standby",
          ValueType.BOOLEAN,
          false,
          "Start as a hot standby: validate, connect, and wait for the pipeline's writer lock"
              + " instead of exiting 4 while another process holds it; take over (resuming from"
              + " the committed checkpoints) within seconds of the holder's end. Also"
              + " 'tidemark run --standby'.");

  public static final ConfigKey<OnHistoryLost> ON_HISTORY_LOST =
      ConfigKey.optional(
          "",
          "onHistoryLost",
          ON_HISTORY_LOST_TYPE,
          OnHistoryLost.FAIL,
          "Default for every collection: when a stream position has fallen out of the oplog, stop"
              + " the collection with the rebuild command (fail) or rebuild it automatically"
              + " (resnapshot).");

  public static final ConfigKey<SchemaEvolution> SCHEMA_EVOLVE =
      ConfigKey.optional(
          "schema",
          "evolve",
          EVOLVE_TYPE,
          SchemaEvolution.NONE,
          "Default for every collection: whether top-level fields that no configured column maps"
              + " become columns of their own (addColumns).");

  public static final ConfigKey<String> SOURCE_URI =
      ConfigKey.required(
          "source",
          "uri",
          ValueType.STRING,
          "MongoDB connection string of a replica set or sharded cluster (change streams need"
              + " one).");
  public static final ConfigKey<String> SOURCE_DATABASE =
      ConfigKey.required(
          "source", "database", ValueType.STRING, "Database holding the collections.");

  private static final ValueType<StreamScope> STREAM_SCOPE_TYPE =
      ValueType.oneOf(StreamScope.class, "collection", "database");

  public static final ConfigKey<StreamScope> SOURCE_STREAM_SCOPE =
      ConfigKey.optional(
          "source",
          "streamScope",
          STREAM_SCOPE_TYPE,
          StreamScope.DATABASE,
          "database: one change stream for all configured collections of the database (one server"
              + " cursor, the oplog read once); collection: one stream per collection (each cursor"
              + " reads the whole oplog on the server). Measured in docs/performance.md.");

  public static final ConfigKey<String> SINK_JDBC_URL =
      ConfigKey.required(
          "sink", "jdbcUrl", ValueType.STRING, "JDBC URL of the PostgreSQL database to write to.");
  public static final ConfigKey<String> SINK_USERNAME =
      ConfigKey.optional("sink", "username", ValueType.STRING, null, "Database user.");
  public static final ConfigKey<String> SINK_PASSWORD =
      ConfigKey.optional(
          "sink",
          "password",
          ValueType.STRING,
          null,
          "Database password; use ${ENV_VAR}. Never logged.");
  public static final ConfigKey<String> SINK_SCHEMA =
      ConfigKey.optional(
          "sink", "schema", ValueType.STRING, "public", "Schema of the target tables.");
  public static final ConfigKey<String> SINK_METADATA_SCHEMA =
      ConfigKey.optional(
          "sink",
          "metadataSchema",
          ValueType.STRING,
          "tidemark",
          "Schema of Tidemark's own tables: checkpoints, snapshot progress, dead letters.");
  public static final ConfigKey<Integer> SINK_POOL_SIZE =
      ConfigKey.optional(
          "sink",
          "poolSize",
          ValueType.POSITIVE_INT,
          8,
          "Maximum connections Tidemark opens to the sink.");

  /** Shortest {@link #SINK_SOCKET_TIMEOUT}: well above the sink's one-second DDL lock waits. */
  public static final Duration SINK_SOCKET_TIMEOUT_MIN = Duration.ofSeconds(5);

  /** Longest {@link #SINK_SOCKET_TIMEOUT}. */
  public static final Duration SINK_SOCKET_TIMEOUT_MAX = Duration.ofHours(24);

  public static final ConfigKey<Duration> SINK_SOCKET_TIMEOUT =
      ConfigKey.optional(
          "sink",
          "socketTimeout",
          ValueType.wholeSeconds(SINK_SOCKET_TIMEOUT_MIN, SINK_SOCKET_TIMEOUT_MAX),
          Duration.ofMinutes(2),
          "Longest a sink connection waits on the database without a byte moving, for a reply"
              + " or to send data. Past it the connection counts as lost (a network that failed"
              + " without closing it: a cut link, a NAT or firewall that dropped it, a failover),"
              + " is closed, and the write fails as retriable SINK_UNAVAILABLE; the session it"
              + " leaves on the database is ended before the sink's next transaction, so that its"
              + " transaction cannot commit after the retry has read the progress. Raise it if"
              + " statements legitimately wait longer (locks held by other sessions). Widening a"
              + " column to jsonb (schema.evolve), which rewrites the table, is exempt. Whole"
              + " seconds, from "
              + SINK_SOCKET_TIMEOUT_MIN.toSeconds()
              + "s to "
              + SINK_SOCKET_TIMEOUT_MAX.toHours()
              + "h. Connections also send TCP keepalive probes after a minute of silence. When"
              + " sink.jdbcUrl sets pgjdbc's socketTimeout, tcpKeepAlive or socketFactory itself,"
              + " the URL's value wins (socketTimeout=0 in the URL waits forever; with the URL's"
              + " own socketFactory, only replies are bounded).");

  public static final ConfigKey<String> COLLECTION_NAME =
      ConfigKey.required("collections[]", "name", ValueType.STRING, "Source collection name.");
  public static final ConfigKey<String> COLLECTION_TABLE =
      ConfigKey.derived(
          "collections[]", "table", ValueType.STRING, "the collection name", "Target table name.");
  public static final ConfigKey<String> COLLECTION_DOCUMENT_COLUMN =
      ConfigKey.derived(
          "collections[]",
          "documentColumn",
          ValueType.STRING,
          "doc when no columns are given, none otherwise",
          "A jsonb column holding the whole document (relaxed Extended JSON). Set it to keep the"
              + " whole document next to configured columns; set it to an empty string to drop it.");
  public static final ConfigKey<String> COLLECTION_EXTRA_COLUMN =
      ConfigKey.optional(
          "collections[]",
          "extraColumn",
          ValueType.STRING,
          null,
          "A jsonb column holding every field that no configured column maps (without _id), so"
              + " new fields that appear in documents stay queryable.");
  public static final ConfigKey<OnError> COLLECTION_ON_ERROR =
      ConfigKey.optional(
          "collections[]",
          "onError",
          ValueType.oneOf(OnError.class, "fail", "deadletter"),
          OnError.FAIL,
          "A document whose value cannot be stored in its column either stops the collection"
              + " (fail) or goes to the dead-letter table with the reason (deadletter).");
  public static final ConfigKey<OnHistoryLost> COLLECTION_ON_HISTORY_LOST =
      ConfigKey.derived(
          "collections[]",
          "onHistoryLost",
          ON_HISTORY_LOST_TYPE,
          "the top-level onHistoryLost",
          "This collection's reaction when its position has fallen out of the oplog.");
  public static final ConfigKey<String> COLUMN_FIELD =
      ConfigKey.required(
          "collections[].columns[]",
          "field",
          ValueType.STRING,
          "Dotted field path in the document, e.g. address.city or items.0.sku.");
  public static final ConfigKey<String> COLUMN_COLUMN =
      ConfigKey.derived(
          "collections[].columns[]", "column", ValueType.STRING, "the field path", "Column name.");
  public static final ConfigKey<SqlType> COLUMN_TYPE =
      ConfigKey.optional(
          "collections[].columns[]",
          "type",
          ValueType.SQL_TYPE,
          SqlType.TEXT,
          "One of: " + SqlType.ACCEPTED + ".");

  public static final ConfigKey<List<String>> COLLECTION_PRIMARY_KEY =
      ConfigKey.derived(
          "collections[]",
          "primaryKey",
          ValueType.STRING_LIST,
          "the key column _id",
          "Configured columns that form the table's primary key, e.g. [region, n] for the fields"
              + " of a compound _id. Every document must have a value for each; one that does not"
              + " follows onError. The _id column stays, unique, as the row's identity.");

  public static final ConfigKey<SchemaEvolution> COLLECTION_SCHEMA_EVOLVE =
      ConfigKey.derived(
          "collections[].schema",
          "evolve",
          EVOLVE_TYPE,
          "the top-level schema.evolve",
          "addColumns: a top-level field that no configured column or child table reads becomes a"
              + " nullable column named after it, typed from its first value (text, bigint, double"
              + " precision, numeric, boolean, timestamptz, uuid, bytea, or jsonb for documents"
              + " and arrays) and widened to jsonb when a later value has another type. The ALTER"
              + " TABLE commits in the transaction of the rows that need it. Cannot be combined"
              + " with extraColumn.");

  public static final ConfigKey<String> CHILD_FIELD =
      ConfigKey.required(
          "collections[].children[]",
          "field",
          ValueType.STRING,
          "Dotted path of an array of sub-documents, relative to the document (or, under a"
              + " child's children, to the enclosing element). Each element becomes one row of the"
              + " child table, rewritten with its document in the same transaction.");
  public static final ConfigKey<String> CHILD_TABLE =
      ConfigKey.required(
          "collections[].children[]", "table", ValueType.STRING, "Child table name.");
  public static final ConfigKey<String> CHILD_INDEX_COLUMN =
      ConfigKey.derived(
          "collections[].children[]",
          "indexColumn",
          ValueType.STRING,
          "the field's last segment + _index",
          "Integer column holding the element's position in the array, from 0. With the"
              + " document's _id (and the enclosing elements' index columns) it forms the child"
              + " table's primary key.");
  public static final ConfigKey<String> CHILD_ELEMENT_COLUMN =
      ConfigKey.derived(
          "collections[].children[]",
          "elementColumn",
          ValueType.STRING,
          "none when columns are given, element otherwise",
          "A jsonb column holding the whole element; set it to an empty string to drop it.");
  public static final ConfigKey<Void> CHILD_COLUMNS =
      ConfigKey.optional(
          "collections[].children[]",
          "columns",
          ValueType.SECTION_LIST,
          null,
          "Element fields to columns, with the keys of collections[].columns[]; field paths are"
              + " relative to the element.");
  public static final ConfigKey<Void> CHILD_CHILDREN =
      ConfigKey.optional(
          "collections[].children[]",
          "children",
          ValueType.SECTION_LIST,
          null,
          "Arrays inside each element that get tables of their own, with the same keys; their"
              + " rows also carry this child's index column.");

  public static final ConfigKey<Integer> SNAPSHOT_CHUNK_SIZE =
      ConfigKey.optional(
          "snapshot",
          "chunkSize",
          ValueType.POSITIVE_INT,
          5000,
          "Documents per copy transaction. A crash resumes the copy from the last committed"
              + " chunk.");

  public static final ConfigKey<Integer> SNAPSHOT_PARALLELISM =
      ConfigKey.optional(
          "snapshot",
          "parallelism",
          ValueType.POSITIVE_INT,
          2,
          "Key ranges of one collection copied at the same time, each on its own source cursor and"
              + " sink connection. Each range resumes on its own after a crash. 1 copies in one"
              + " range, in key order.");

  public static final ConfigKey<Integer> STREAM_BATCH_SIZE =
      ConfigKey.optional(
          "stream",
          "batchSize",
          ValueType.POSITIVE_INT,
          2000,
          "Most change events in one sink transaction (a source transaction is never split).");
  public static final ConfigKey<Long> STREAM_MAX_BATCH_BYTES =
      ConfigKey.optional(
          "stream",
          "maxBatchBytes",
          ValueType.BYTES_TYPE,
          16L << 20,
          "Most event bytes in one sink transaction.");
  public static final ConfigKey<Duration> STREAM_MAX_BATCH_DELAY =
      ConfigKey.optional(
          "stream",
          "maxBatchDelay",
          ValueType.DURATION_TYPE,
          Duration.ofMillis(200),
          "Longest time a change waits for its batch to fill before it is committed.");
  public static final ConfigKey<Duration> STREAM_IDLE_CHECKPOINT_INTERVAL =
      ConfigKey.optional(
          "stream",
          "idleCheckpointInterval",
          ValueType.DURATION_TYPE,
          Duration.ofSeconds(5),
          "How often a quiet collection's position is saved, so it never falls out of the"
              + " oplog.");
  public static final ConfigKey<Integer> STREAM_QUEUE_CAPACITY =
      ConfigKey.optional(
          "stream",
          "queueCapacity",
          ValueType.POSITIVE_INT,
          10_000,
          "Most events held between reader and writer; the reader waits when it is full.");
  public static final ConfigKey<Long> STREAM_QUEUE_MAX_BYTES =
      ConfigKey.optional(
          "stream",
          "queueMaxBytes",
          ValueType.BYTES_TYPE,
          64L << 20,
          "Most event bytes held between reader and writer; the reader waits when it is full.");

  public static final ConfigKey<Duration> RETRY_INITIAL_DELAY =
      ConfigKey.optional(
          "retry",
          "initialDelay",
          ValueType.DURATION_TYPE,
          Duration.ofMillis(500),
          "First wait before reconnecting after a network failure.");
  public static final ConfigKey<Duration> RETRY_MAX_DELAY =
      ConfigKey.optional(
          "retry",
          "maxDelay",
          ValueType.DURATION_TYPE,
          Duration.ofSeconds(30),
          "Longest wait between reconnect attempts.");
  public static final ConfigKey<Double> RETRY_MULTIPLIER =
      ConfigKey.optional(
          "retry",
          "multiplier",
          ValueType.POSITIVE_NUMBER,
          2.0,
          "Growth of the wait after each failed attempt.");

  public static final ConfigKey<Integer> ADMIN_PORT =
      ConfigKey.optional(
          "admin",
          "port",
          ValueType.intAtLeast(-1),
          8089,
          "Port of the admin HTTP API (health, metrics, status, pause, resume, resnapshot); 0 picks"
              + " a free port, -1 turns the API off.");
  public static final ConfigKey<String> ADMIN_BIND =
      ConfigKey.optional(
          "admin",
          "bind",
          ValueType.STRING,
          "127.0.0.1",
          "Address the admin API listens on. Keep it on loopback unless a token is set.");
  public static final ConfigKey<String> ADMIN_TOKEN =
      ConfigKey.optional(
          "admin",
          "token",
          ValueType.STRING,
          null,
          "Bearer token the admin API requires (Authorization: Bearer ...); use ${ENV_VAR}.");

  /** Every key, in reference order. */
  public static final List<ConfigKey<?>> ALL =
      List.of(
          PIPELINE,
          STANDBY,
          ON_HISTORY_LOST,
          SCHEMA_EVOLVE,
          SOURCE_URI,
          SOURCE_DATABASE,
          SOURCE_STREAM_SCOPE,
          SINK_JDBC_URL,
          SINK_USERNAME,
          SINK_PASSWORD,
          SINK_SCHEMA,
          SINK_METADATA_SCHEMA,
          SINK_POOL_SIZE,
          SINK_SOCKET_TIMEOUT,
          COLLECTION_NAME,
          COLLECTION_TABLE,
          COLLECTION_DOCUMENT_COLUMN,
          COLLECTION_EXTRA_COLUMN,
          COLLECTION_ON_ERROR,
          COLLECTION_ON_HISTORY_LOST,
          COLUMN_FIELD,
          COLUMN_COLUMN,
          COLUMN_TYPE,
          COLLECTION_PRIMARY_KEY,
          COLLECTION_SCHEMA_EVOLVE,
          CHILD_FIELD,
          CHILD_TABLE,
          CHILD_INDEX_COLUMN,
          CHILD_ELEMENT_COLUMN,
          CHILD_COLUMNS,
          CHILD_CHILDREN,
          SNAPSHOT_CHUNK_SIZE,
          SNAPSHOT_PARALLELISM,
          STREAM_BATCH_SIZE,
          STREAM_MAX_BATCH_BYTES,
          STREAM_MAX_BATCH_DELAY,
          STREAM_IDLE_CHECKPOINT_INTERVAL,
          STREAM_QUEUE_CAPACITY,
          STREAM_QUEUE_MAX_BYTES,
          RETRY_INITIAL_DELAY,
          RETRY_MAX_DELAY,
          RETRY_MULTIPLIER,
          ADMIN_PORT,
          ADMIN_BIND,
          ADMIN_TOKEN);
}
