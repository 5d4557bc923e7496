package io.tidemark.core.config;

import io.tidemark.core.mapping.ChildMapping;
import io.tidemark.core.mapping.ChildTable;
import io.tidemark.core.mapping.ColumnMapping;
import io.tidemark.core.mapping.OnError;
import io.tidemark.core.mapping.OnHistoryLost;
import io.tidemark.core.mapping.SchemaEvolution;
import io.tidemark.core.mapping.SqlType;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.value.FieldPath;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Binds a parsed YAML tree (maps, lists, scalars) to a {@link TidemarkConfig}, validating every key
 * and reporting all problems at once, each with its YAML path.
 */
public final class ConfigBinder {
  private ConfigBinder() {}

  /**
   * @param tree the parsed document
   * @param origin the file name, for the error message
   * @throws io.tidemark.core.error.TidemarkException with code CONFIG_INVALID listing every problem
   */
  public static TidemarkConfig bind(Object tree, String origin) {
    return bind(tree, origin, true);
  }

  /**
   * Binds a configuration whose changes come from elsewhere than MongoDB (the Kafka Connect sink
   * reads them from Kafka): the same keys, without {@code source}, which is refused when present so
   * that nobody believes it is used. The result's {@link TidemarkConfig#source()} is null.
   */
  public static TidemarkConfig bindWithoutSource(Object tree, String origin) {
    return bind(tree, origin, false);
  }

  private static TidemarkConfig bind(Object tree, String origin, boolean readsSource) {
    ConfigProblems problems = new ConfigProblems();
    ConfigSection root = new ConfigSection("", "", tree, problems);
    if (tree == null) {
      problems.add("", "the file is empty; it needs at least source, sink and collections");
    }
    root.rejectUnknownKeys(
        "source", "sink", "collections", "snapshot", "stream", "retry", "admin", "schema");
    String pipeline = root.value(ConfigKeys.PIPELINE);
    boolean standby = root.value(ConfigKeys.STANDBY);
    OnHistoryLost defaultOnHistoryLost = root.value(ConfigKeys.ON_HISTORY_LOST);

    ConfigSection schema = root.section("schema");
    schema.rejectUnknownKeys();
    SchemaEvolution defaultEvolve = schema.value(ConfigKeys.SCHEMA_EVOLVE);

    TidemarkConfig.SourceConfig sourceConfig = null;
    if (readsSource) {
      ConfigSection source = root.section("source");
      source.rejectUnknownKeys();
      sourceConfig =
          new TidemarkConfig.SourceConfig(
              source.value(ConfigKeys.SOURCE_URI),
              source.value(ConfigKeys.SOURCE_DATABASE),
              source.value(ConfigKeys.SOURCE_STREAM_SCOPE));
    } else if (tree != null && !root.isAbsent("source")) {
      root.problem(
          "source",
          "is not read here: the changes come from Kafka topics (topics and topic.collections in"
              + " the connector's configuration); remove the source section");
    }

    ConfigSection sink = root.section("sink");
    sink.rejectUnknownKeys();
    var sinkConfig =
        new SinkConfig(
            sink.value(ConfigKeys.SINK_JDBC_URL),
            sink.value(ConfigKeys.SINK_USERNAME),
            sink.value(ConfigKeys.SINK_PASSWORD),
            sink.value(ConfigKeys.SINK_SCHEMA),
            sink.value(ConfigKeys.SINK_METADATA_SCHEMA),
            sink.value(ConfigKeys.SINK_POOL_SIZE),
            sink.value(ConfigKeys.SINK_SOCKET_TIMEOUT));
    if (sinkConfig.jdbcUrl() != null && !sinkConfig.jdbcUrl().startsWith("jdbc:postgresql:")) {
      sink.problem(
          "jdbcUrl",
          "'"
              + ConnectionStrings.mask(sinkConfig.jdbcUrl())
              + "' is not a PostgreSQL JDBC URL (jdbc:postgresql://host:5432/db)");
    }

    List<TableMapping> collections = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<String> tables = new HashSet<>();
    List<ConfigSection> collectionSections = root.list("collections", tree != null);
    if (tree != null && collectionSections.isEmpty() && !root.isAbsent("collections")) {
      root.problem("collections", "is empty: list at least one collection");
    }
    for (ConfigSection c : collectionSections) {
      TableMapping mapping = bindCollection(c, defaultOnHistoryLost, defaultEvolve);
      if (mapping == null) {
        continue;
      }
      if (!names.add(mapping.collection())) {
        c.problem("name", "collection '" + mapping.collection() + "' is listed twice");
      }
      if (!tables.add(mapping.table())) {
        c.problem("table", "table '" + mapping.table() + "' is the target of two collections");
      }
      for (ChildTable child : mapping.childTables()) {
        if (!tables.add(child.table())) {
          c.problem(
              "children",
              "table '"
                  + child.table()
                  + "' (child table of "
                  + child.describePath()
                  + ") is also the target of another collection or child");
        }
      }
      collections.add(mapping);
    }

    ConfigSection snapshot = root.section("snapshot");
    snapshot.rejectUnknownKeys();
    var snapshotConfig =
        new TidemarkConfig.SnapshotConfig(
            snapshot.value(ConfigKeys.SNAPSHOT_CHUNK_SIZE),
            snapshot.value(ConfigKeys.SNAPSHOT_PARALLELISM));

    ConfigSection stream = root.section("stream");
    stream.rejectUnknownKeys();
    var streamConfig =
        new TidemarkConfig.StreamConfig(
            stream.value(ConfigKeys.STREAM_BATCH_SIZE),
            stream.value(ConfigKeys.STREAM_MAX_BATCH_BYTES),
            stream.value(ConfigKeys.STREAM_MAX_BATCH_DELAY),
            stream.value(ConfigKeys.STREAM_IDLE_CHECKPOINT_INTERVAL),
            stream.value(ConfigKeys.STREAM_QUEUE_CAPACITY),
            stream.value(ConfigKeys.STREAM_QUEUE_MAX_BYTES));

    ConfigSection retry = root.section("retry");
    retry.rejectUnknownKeys();
    var retryConfig =
        new TidemarkConfig.RetryConfig(
            retry.value(ConfigKeys.RETRY_INITIAL_DELAY),
            retry.value(ConfigKeys.RETRY_MAX_DELAY),
            retry.value(ConfigKeys.RETRY_MULTIPLIER));

    ConfigSection admin = root.section("admin");
    admin.rejectUnknownKeys();
    var adminConfig =
        new TidemarkConfig.AdminConfig(
            admin.value(ConfigKeys.ADMIN_PORT),
            admin.value(ConfigKeys.ADMIN_BIND),
            admin.value(ConfigKeys.ADMIN_TOKEN));

    problems.throwIfAny(origin);
    return new TidemarkConfig(
        pipeline,
        sourceConfig,
        sinkConfig,
        collections,
        snapshotConfig,
        streamConfig,
        retryConfig,
        adminConfig,
        standby);
  }

  private static TableMapping bindCollection(
      ConfigSection c, OnHistoryLost defaultOnHistoryLost, SchemaEvolution defaultEvolve) {
    c.rejectUnknownKeys("columns", "children", "schema");
    String name = c.value(ConfigKeys.COLLECTION_NAME);
    String table = Optional.ofNullable(c.valueOrNull(ConfigKeys.COLLECTION_TABLE)).orElse(name);
    OnError onError = c.value(ConfigKeys.COLLECTION_ON_ERROR);
    OnHistoryLost onHistoryLost =
        Optional.ofNullable(c.valueOrNull(ConfigKeys.COLLECTION_ON_HISTORY_LOST))
            .orElse(defaultOnHistoryLost);
    Set<String> columnNames = new HashSet<>();
    columnNames.add(TableMapping.DEFAULT_KEY_COLUMN);
    List<ColumnMapping> columns =
        bindColumns(c.list("columns", false, COLUMN_SECTION), table, columnNames);
    String documentColumn = c.valueOrNull(ConfigKeys.COLLECTION_DOCUMENT_COLUMN);
    if (documentColumn == null) {
      documentColumn = columns.isEmpty() ? TableMapping.DEFAULT_DOCUMENT_COLUMN : null;
    } else if (documentColumn.isBlank()) {
      documentColumn = null;
    } else if (!columnNames.add(documentColumn)) {
      c.problem("documentColumn", "column '" + documentColumn + "' is also a mapped column");
    }
    String extraColumn = c.valueOrNull(ConfigKeys.COLLECTION_EXTRA_COLUMN);
    if (extraColumn != null && (extraColumn.isBlank() || !columnNames.add(extraColumn))) {
      c.problem(
          "extraColumn", "column '" + extraColumn + "' is empty or also used by another column");
    }
    List<String> primaryKey = c.stringList(ConfigKeys.COLLECTION_PRIMARY_KEY);
    Set<String> configured = new HashSet<>();
    columns.forEach(col -> configured.add(col.column()));
    Set<String> inKey = new HashSet<>();
    for (String column : primaryKey) {
      if (!configured.contains(column)) {
        c.problem(
            "primaryKey",
            "'"
                + column
                + "' is not one of the configured columns"
                + (configured.isEmpty()
                    ? ""
                    : " (" + String.join(", ", new TreeSet<>(configured)) + ")")
                + "; map the field under columns first");
      } else if (!inKey.add(column)) {
        c.problem("primaryKey", "column '" + column + "' appears twice");
      }
    }
    List<ChildMapping> children = new ArrayList<>();
    for (ConfigSection child : c.list("children", false, CHILD_SECTION)) {
      ChildMapping bound = bindChild(child, List.of(TableMapping.DEFAULT_KEY_COLUMN));
      if (bound != null) {
        children.add(bound);
      }
    }
    ConfigSection schema = c.section("schema");
    schema.rejectUnknownKeys();
    SchemaEvolution evolve =
        Optional.ofNullable(schema.valueOrNull(ConfigKeys.COLLECTION_SCHEMA_EVOLVE))
            .orElse(defaultEvolve);
    if (evolve == SchemaEvolution.ADDCOLUMNS && extraColumn != null) {
      c.problem(
          "extraColumn",
          "both extraColumn and schema.evolve: addColumns take the fields no column maps; keep"
              + " one (set schema: { evolve: none } on this collection to keep the extra column)");
    }
    if (name == null || table == null) {
      return null;
    }
    return new TableMapping(
        name,
        table,
        TableMapping.DEFAULT_KEY_COLUMN,
        columns,
        documentColumn,
        extraColumn,
        onError,
        onHistoryLost,
        primaryKey,
        children,
        evolve);
  }

  /** Every child section, at any depth, takes these keys. */
  private static final String CHILD_SECTION = "collections[].children[]";

  /** Columns of collections and of child tables take these keys. */
  private static final String COLUMN_SECTION = "collections[].columns[]";

  /**
   * Binds one child table and, recursively, its children.
   *
   * @param keyColumns the columns every row of this table starts with: the document key column and
   *     the enclosing children's index columns, which its own columns must not reuse
   */
  private static ChildMapping bindChild(ConfigSection c, List<String> keyColumns) {
    c.rejectUnknownKeys();
    String fieldText = c.value(ConfigKeys.CHILD_FIELD);
    String table = c.value(ConfigKeys.CHILD_TABLE);
    FieldPath field = null;
    if (fieldText != null) {
      try {
        field = FieldPath.parse(fieldText);
      } catch (IllegalArgumentException e) {
        c.problem("field", "'" + fieldText + "' is not a dotted field path (empty segment)");
      }
    }
    String indexColumn = c.valueOrNull(ConfigKeys.CHILD_INDEX_COLUMN);
    if (indexColumn == null && field != null) {
      indexColumn = ChildMapping.defaultIndexColumn(field);
    }
    Set<String> columnNames = new HashSet<>(keyColumns);
    if (indexColumn != null && (indexColumn.isBlank() || !columnNames.add(indexColumn))) {
      c.problem(
          "indexColumn",
          "column '"
              + indexColumn
              + "' is empty or already one of the key columns "
              + keyColumns
              + "; name the index column with indexColumn");
    }
    String tableName = table == null ? "(child)" : table;
    List<ColumnMapping> columns =
        bindColumns(c.list("columns", false, COLUMN_SECTION), tableName, columnNames);
    String elementColumn = c.valueOrNull(ConfigKeys.CHILD_ELEMENT_COLUMN);
    if (elementColumn == null) {
      elementColumn = columns.isEmpty() ? "element" : null;
    } else if (elementColumn.isBlank()) {
      elementColumn = null;
    }
    if (elementColumn != null && !columnNames.add(elementColumn)) {
      c.problem("elementColumn", "column '" + elementColumn + "' is also used by another column");
    }
    List<String> nestedKeys = new ArrayList<>(keyColumns);
    if (indexColumn != null) {
      nestedKeys.add(indexColumn);
    }
    List<ChildMapping> children = new ArrayList<>();
    for (ConfigSection child : c.list("children", false, CHILD_SECTION)) {
      ChildMapping bound = bindChild(child, nestedKeys);
      if (bound != null) {
        children.add(bound);
      }
    }
    if (field == null || table == null || indexColumn == null) {
      return null;
    }
    return new ChildMapping(field, table, indexColumn, columns, elementColumn, children);
  }

  /** Binds a list of column sections; {@code columnNames} collects the names, to find repeats. */
  private static List<ColumnMapping> bindColumns(
      List<ConfigSection> sections, String table, Set<String> columnNames) {
    List<ColumnMapping> columns = new ArrayList<>();
    for (ConfigSection col : sections) {
      col.rejectUnknownKeys();
      String field = col.value(ConfigKeys.COLUMN_FIELD);
      if (field == null) {
        continue;
      }
      String column = Optional.ofNullable(col.valueOrNull(ConfigKeys.COLUMN_COLUMN)).orElse(field);
      SqlType type = col.value(ConfigKeys.COLUMN_TYPE);
      if (!columnNames.add(column)) {
        col.problem("column", "column '" + column + "' appears twice in table '" + table + "'");
      }
      FieldPath path;
      try {
        path = FieldPath.parse(field);
      } catch (IllegalArgumentException e) {
        col.problem("field", "'" + field + "' is not a dotted field path (empty segment)");
        continue;
      }
      columns.add(new ColumnMapping(path, column, type));
    }
    return columns;
  }
}
