package io.tidemark.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.mapping.ChildMapping;
import io.tidemark.core.mapping.ChildTable;
import io.tidemark.core.mapping.ColumnMapping;
import io.tidemark.core.mapping.OnError;
import io.tidemark.core.mapping.SqlType;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.value.FieldPath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigBinderTest {

  /** A YAML mapping as a parser would build it, keys in order. */
  private static Map<String, Object> map(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  private static List<Object> list(Object... items) {
    return new ArrayList<>(Arrays.asList(items));
  }

  private static Map<String, Object> minimal() {
    return map(
        "source", map("uri", "mongodb://localhost:27017/?replicaSet=rs0", "database", "shop"),
        "sink", map("jdbcUrl", "jdbc:postgresql://localhost:5432/shop"),
        "collections", list(map("name", "orders")));
  }

  /** The problems of a config, one per line, without the header line. */
  private static List<String> problems(Object tree) {
    TidemarkException e = (TidemarkException) catchBind(tree);
    assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_INVALID);
    String[] lines = e.getMessage().split("\n");
    return Arrays.stream(lines).skip(1).map(String::strip).toList();
  }

  private static Throwable catchBind(Object tree) {
    try {
      ConfigBinder.bind(tree, "tidemark.yaml");
    } catch (TidemarkException e) {
      return e;
    }
    throw new AssertionError("expected the config to be rejected");
  }

  @Test
  void aConfigurationForTheConnectSinkBindsWithoutSourceAndRefusesOne() {
    Map<String, Object> withoutSource = minimal();
    withoutSource.remove("source");

    TidemarkConfig bound = ConfigBinder.bindWithoutSource(withoutSource, "connector");
    assertThat(bound.source()).isNull();
    assertThat(bound.collections()).extracting(TableMapping::collection).containsExactly("orders");
    // The daemon still needs one.
    assertThat(problems(withoutSource)).anyMatch(p -> p.contains("source"));

    Map<String, Object> withSource = minimal();
    assertThatThrownBy(() -> ConfigBinder.bindWithoutSource(withSource, "connector"))
        .isInstanceOf(TidemarkException.class)
        .hasMessageContaining("source: is not read here: the changes come from Kafka topics");
  }

  @Test
  void streamScopeAndStandbyBindAndRefuseWhatTheyDoNotKnow() {
    Map<String, Object> tree = minimal();
    tree.put("standby", true);
    ((Map<String, Object>) tree.get("source")).put("streamScope", "collection");
    TidemarkConfig config = ConfigBinder.bind(tree, "tidemark.yaml");
    assertThat(config.standby()).isTrue();
    assertThat(config.source().streamScope()).isEqualTo(StreamScope.COLLECTION);

    tree.put("standby", "yes");
    ((Map<String, Object>) tree.get("source")).put("streamScope", "cluster");
    assertThat(problems(tree))
        .anySatisfy(p -> assertThat(p).startsWith("standby: ").contains("true or false"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith(
                        "source.streamScope: 'cluster' is not one of: collection, database"));
  }

  @Test
  void minimalConfigBindsWithEveryDefault() {
    TidemarkConfig config = ConfigBinder.bind(minimal(), "tidemark.yaml");

    assertThat(config.pipeline()).isEqualTo("tidemark");
    assertThat(config.source().uri()).isEqualTo("mongodb://localhost:27017/?replicaSet=rs0");
    assertThat(config.source().database()).isEqualTo("shop");
    assertThat(config.source().streamScope()).isEqualTo(StreamScope.DATABASE);
    assertThat(config.standby()).isFalse();
    assertThat(config.sink())
        .isEqualTo(
            new SinkConfig(
                "jdbc:postgresql://localhost:5432/shop",
                null,
                null,
                "public",
                "tidemark",
                8,
                Duration.ofMinutes(2)));
    assertThat(config.snapshot().chunkSize()).isEqualTo(5000);
    assertThat(config.snapshot().parallelism()).isEqualTo(2);
    assertThat(config.stream())
        .isEqualTo(
            new TidemarkConfig.StreamConfig(
                2000, 16L << 20, Duration.ofMillis(200), Duration.ofSeconds(5), 10_000, 64L << 20));
    assertThat(config.retry())
        .isEqualTo(
            new TidemarkConfig.RetryConfig(Duration.ofMillis(500), Duration.ofSeconds(30), 2.0));
    assertThat(config.collections()).containsExactly(TableMapping.defaultFor("orders", "orders"));
  }

  @Test
  void fullConfigBindsEveryKey() {
    Map<String, Object> tree =
        map(
            "pipeline", "shop-to-pg",
            "source", map("uri", "mongodb://u:secret@db1,db2/?replicaSet=rs0", "database", "shop"),
            "sink",
                map(
                    "jdbcUrl", "jdbc:postgresql://pg:5432/dw",
                    "username", "tm",
                    "password", "hunter2",
                    "schema", "mirror",
                    "metadataSchema", "tm_meta",
                    "poolSize", 3,
                    "socketTimeout", "45s"),
            "collections",
                list(
                    map(
                        "name", "orders",
                        "table", "order_rows",
                        "onError", "DeadLetter",
                        "documentColumn", "raw",
                        "columns",
                            list(
                                map("field", "total", "type", "numeric(12, 2)"),
                                map(
                                    "field",
                                    "address.city",
                                    "column",
                                    "city",
                                    "type",
                                    "varchar(80)"),
                                map("field", "note"))),
                    map(
                        "name",
                        "customers",
                        "columns",
                        list(map("field", "email")),
                        "documentColumn",
                        "")),
            "snapshot", map("chunkSize", 100),
            "stream",
                map(
                    "batchSize", 10,
                    "maxBatchBytes", "512KB",
                    "maxBatchDelay", "1s",
                    "idleCheckpointInterval", "2m",
                    "queueCapacity", 50,
                    "queueMaxBytes", "1GB"),
            "retry", map("initialDelay", "50ms", "maxDelay", "1h", "multiplier", 1.5));

    TidemarkConfig config = ConfigBinder.bind(tree, "tidemark.yaml");

    assertThat(config.pipeline()).isEqualTo("shop-to-pg");
    assertThat(config.sink())
        .isEqualTo(
            new SinkConfig(
                "jdbc:postgresql://pg:5432/dw",
                "tm",
                "hunter2",
                "mirror",
                "tm_meta",
                3,
                Duration.ofSeconds(45)));
    assertThat(config.collections())
        .containsExactly(
            new TableMapping(
                "orders",
                "order_rows",
                "_id",
                List.of(
                    new ColumnMapping(
                        FieldPath.parse("total"),
                        "total",
                        new SqlType(SqlType.Kind.NUMERIC, 12, 2)),
                    new ColumnMapping(
                        FieldPath.parse("address.city"),
                        "city",
                        new SqlType(SqlType.Kind.VARCHAR, 80, 0)),
                    new ColumnMapping(FieldPath.parse("note"), "note", SqlType.TEXT)),
                "raw",
                OnError.DEADLETTER),
            new TableMapping(
                "customers",
                "customers",
                "_id",
                List.of(new ColumnMapping(FieldPath.parse("email"), "email", SqlType.TEXT)),
                null,
                OnError.FAIL));
    assertThat(config.snapshot().chunkSize()).isEqualTo(100);
    assertThat(config.stream())
        .isEqualTo(
            new TidemarkConfig.StreamConfig(
                10, 512L << 10, Duration.ofSeconds(1), Duration.ofMinutes(2), 50, 1L << 30));
    assertThat(config.retry())
        .isEqualTo(new TidemarkConfig.RetryConfig(Duration.ofMillis(50), Duration.ofHours(1), 1.5));
    // secrets never reach toString (and so never a log line)
    assertThat(config.toString()).doesNotContain("secret").doesNotContain("hunter2");
  }

  @Test
  void columnsWithoutDocumentColumnDropTheDefaultDocColumn() {
    Map<String, Object> tree = minimal();
    tree.put(
        "collections",
        list(map("name", "orders", "columns", list(map("field", "total", "type", "bigint")))));
    TableMapping mapping = ConfigBinder.bind(tree, "t.yaml").collections().get(0);
    assertThat(mapping.documentColumn()).isNull();
    assertThat(mapping.tableColumns())
        .extracting(TableMapping.TableColumn::name)
        .containsExactly("_id", "total");
  }

  @Test
  void reportsEveryProblemTogetherWithItsYamlPath() {
    Map<String, Object> tree =
        map(
            "sorce", "typo",
            "source", map("database", "shop"),
            "sink", map("jdbcUrl", "jdbc:mysql://localhost/shop", "passwd", "x"),
            "collections",
                list(
                    map(
                        "name", "orders",
                        "colums", "typo",
                        "columns",
                            list(
                                map("field", "total", "type", "nummeric"),
                                map("field", "address.city", "column", "city"),
                                map("field", "city"),
                                map("type", "text"),
                                map("field", "a..b"))),
                    map("name", "orders", "table", "orders_copy", "onError", "ignore")),
            "stream", map("maxBatchDelay", "5 sec", "batchSize", 0, "queueMaxBytes", "lots"),
            "retry", map("multiplier", -1));

    List<String> problems = problems(tree);

    assertThat(problems)
        .containsExactlyInAnyOrder(
            "sorce: unknown key; did you mean 'source'? Known keys here: admin, collections, onHistoryLost, pipeline, retry, schema, sink, snapshot, source, standby, stream",
            "source.uri: is required: MongoDB connection string of a replica set or sharded cluster (change streams need one).",
            "sink.passwd: unknown key; did you mean 'password'? Known keys here: jdbcUrl, metadataSchema, password, poolSize, schema, socketTimeout, username",
            "sink.jdbcUrl: 'jdbc:mysql://localhost/shop' is not a PostgreSQL JDBC URL (jdbc:postgresql://host:5432/db)",
            "collections[0].colums: unknown key; did you mean 'columns'? Known keys here: children, columns, documentColumn, extraColumn, name, onError, onHistoryLost, primaryKey, schema, table",
            "collections[0].columns[0].type: unknown SQL type 'nummeric'; did you mean 'numeric'? Accepted: "
                + SqlType.ACCEPTED,
            "collections[0].columns[2].column: column 'city' appears twice in table 'orders'",
            "collections[0].columns[3].field: is required: Dotted field path in the document, e.g. address.city or items.0.sku.",
            "collections[0].columns[4].field: 'a..b' is not a dotted field path (empty segment)",
            "collections[1].onError: 'ignore' is not one of: fail, deadletter",
            "collections[1].name: collection 'orders' is listed twice",
            "stream.batchSize: '0' is not a valid integer (must be at least 1)",
            "stream.maxBatchDelay: '5 sec' is not a valid duration (write it like 500ms, 5s, 2m or 1h)",
            "stream.queueMaxBytes: 'lots' is not a valid bytes (write it like 512KB, 16MB or 1GB)",
            "retry.multiplier: '-1' is not a valid number (must be greater than 0)");
  }

  @Test
  void aSocketTimeoutIsWholeSecondsFromFiveSecondsToADay() {
    List<String> rejected = new ArrayList<>();
    for (String value : List.of("1500ms", "4s", "25h", "0s", "2 minutes")) {
      Map<String, Object> tree = minimal();
      ((Map<String, Object>) tree.get("sink")).put("socketTimeout", value);
      rejected.addAll(problems(tree));
    }
    assertThat(rejected)
        .containsExactly(
            "sink.socketTimeout: '1500ms' is not a valid duration (must be whole seconds, e.g. 30s"
                + " or 2m)",
            "sink.socketTimeout: '4s' is not a valid duration (must be from 5s to 24h)",
            "sink.socketTimeout: '25h' is not a valid duration (must be from 5s to 24h)",
            "sink.socketTimeout: '0s' is not a valid duration (must be from 5s to 24h)",
            "sink.socketTimeout: '2 minutes' is not a valid duration (write it like 500ms, 5s, 2m"
                + " or 1h)");
    for (String value : List.of("5s", "5000ms", "24h")) {
      Map<String, Object> tree = minimal();
      ((Map<String, Object>) tree.get("sink")).put("socketTimeout", value);
      assertThat(ConfigBinder.bind(tree, "tidemark.yaml").sink().socketTimeout())
          .isEqualTo(ValueType.parseDuration(value));
    }
  }

  @Test
  void headerCountsTheProblemsAndNamesTheFile() {
    Map<String, Object> tree = minimal();
    ((Map<String, Object>) tree.get("sink")).put("poolSize", "many");
    TidemarkException e = (TidemarkException) catchBind(tree);
    assertThat(e.getMessage())
        .isEqualTo(
            "tidemark.yaml has 1 problem:\n  sink.poolSize: 'many' is not a valid integer (not a number)");
  }

  @Test
  void emptyFileNamesWhatIsMissing() {
    assertThat(problems(null))
        .containsExactly(
            "(top level): the file is empty; it needs at least source, sink and collections",
            "source.uri: is required: MongoDB connection string of a replica set or sharded cluster (change streams need one).",
            "source.database: is required: Database holding the collections.",
            "sink.jdbcUrl: is required: JDBC URL of the PostgreSQL database to write to.");
  }

  @Test
  void missingCollectionsAreReported() {
    Map<String, Object> tree = minimal();
    tree.remove("collections");
    assertThat(problems(tree)).containsExactly("collections: is required: list at least one entry");
  }

  @Test
  void wrongShapesAreReported() {
    Map<String, Object> tree = minimal();
    tree.put("sink", "jdbc:postgresql://localhost/shop");
    tree.put("collections", map("name", "orders"));
    ((Map<String, Object>) tree.get("source")).put("database", list("a", "b"));
    assertThat(problems(tree))
        .contains(
            "sink: expected a mapping of keys, found 'jdbc:postgresql://localhost/shop'",
            "collections: expected a list, found a mapping",
            "source.database: expected a string, found a list");
  }

  @Test
  void unknownKeyFarFromEveryKnownKeyGetsNoSuggestion() {
    Map<String, Object> tree = minimal();
    tree.put("snapshot", map("workers", 4));
    assertThat(problems(tree))
        .singleElement()
        .asString()
        .startsWith("snapshot.workers: unknown key")
        .doesNotContain("did you mean")
        .endsWith("Known keys here: chunkSize, parallelism");
  }

  @Test
  void twoCollectionsIntoOneTableAreRejected() {
    Map<String, Object> tree = minimal();
    tree.put(
        "collections", list(map("name", "orders"), map("name", "orders_v2", "table", "orders")));
    assertThat(problems(tree))
        .containsExactly("collections[1].table: table 'orders' is the target of two collections");
  }

  @Test
  void aPrimaryKeyNamesConfiguredColumns() {
    Map<String, Object> tree = minimal();
    tree.put(
        "collections",
        list(
            map(
                "name", "orders",
                "primaryKey", list("region", "n"),
                "columns",
                    list(
                        map("field", "_id.region", "column", "region"),
                        map("field", "_id.n", "column", "n", "type", "bigint")))));
    TableMapping orders = ConfigBinder.bind(tree, "tidemark.yaml").collections().get(0);
    assertThat(orders.primaryKey()).containsExactly("region", "n");
    assertThat(orders.hasCompositeKey()).isTrue();
  }

  @Test
  void aPrimaryKeyOfUnknownOrRepeatedColumnsIsRejected() {
    Map<String, Object> tree = minimal();
    tree.put(
        "collections",
        list(
            map(
                "name", "orders",
                "primaryKey", list("region", "regoin", "region"),
                "columns", list(map("field", "_id.region", "column", "region")))));
    assertThat(problems(tree))
        .containsExactly(
            "collections[0].primaryKey: 'regoin' is not one of the configured columns (region);"
                + " map the field under columns first",
            "collections[0].primaryKey: column 'region' appears twice");
    tree.put("collections", list(map("name", "orders", "primaryKey", "region")));
    assertThat(problems(tree))
        .containsExactly(
            "collections[0].primaryKey: expected a list of column names, found 'region'");
  }

  @Test
  void childTablesBindAtAnyDepthWithTheirDefaults() {
    Map<String, Object> tree = minimal();
    tree.put(
        "collections",
        list(
            map(
                "name",
                "orders",
                "children",
                list(
                    map(
                        "field",
                        "items",
                        "table",
                        "order_items",
                        "columns",
                        list(map("field", "sku"), map("field", "qty", "type", "integer")),
                        "children",
                        list(map("field", "options", "table", "order_item_options")))))));
    TableMapping orders = ConfigBinder.bind(tree, "tidemark.yaml").collections().get(0);

    ChildMapping items = orders.children().get(0);
    assertThat(items.indexColumn()).isEqualTo("items_index");
    assertThat(items.elementColumn()).as("columns given: no element column").isNull();
    assertThat(items.columns())
        .containsExactly(
            new ColumnMapping(FieldPath.parse("sku"), "sku", SqlType.TEXT),
            new ColumnMapping(FieldPath.parse("qty"), "qty", SqlType.INTEGER));
    ChildMapping options = items.children().get(0);
    assertThat(options.elementColumn()).as("no columns: the element as jsonb").isEqualTo("element");
    assertThat(orders.childTables())
        .extracting(ChildTable::table, ChildTable::indexColumns)
        .containsExactly(
            tuple("order_items", List.of("items_index")),
            tuple("order_item_options", List.of("items_index", "options_index")));
  }

  @Test
  void childTablesWithMissingKeysClashingColumnsOrReusedTablesAreRejected() {
    Map<String, Object> tree = minimal();
    tree.put(
        "collections",
        list(
            map(
                "name",
                "orders",
                "children",
                list(
                    map("field", "items", "columns", list(map("field", "sku"))),
                    map(
                        "field", "lines",
                        "table", "orders",
                        "indexColumn", "_id",
                        "colums", list()),
                    map(
                        "field",
                        "notes",
                        "table",
                        "order_notes",
                        "columns",
                        list(map("field", "notes_index")),
                        "children",
                        list(
                            map(
                                "field", "tags",
                                "table", "order_note_tags",
                                "indexColumn", "notes_index")))))));
    assertThat(problems(tree))
        .containsExactly(
            "collections[0].children[0].table: is required: Child table name.",
            "collections[0].children[1].colums: unknown key; did you mean 'columns'? Known keys"
                + " here: children, columns, elementColumn, field, indexColumn, table",
            "collections[0].children[1].indexColumn: column '_id' is empty or already one of the"
                + " key columns [_id]; name the index column with indexColumn",
            "collections[0].children[2].columns[0].column: column 'notes_index' appears twice in"
                + " table 'order_notes'",
            "collections[0].children[2].children[0].indexColumn: column 'notes_index' is empty or"
                + " already one of the key columns [_id, notes_index]; name the index column with"
                + " indexColumn",
            "collections[0].children: table 'orders' (child table of lines) is also the target of"
                + " another collection or child");
  }

  @Test
  void schemaEvolutionDefaultsFromTheTopAndCannotShareTheExtraColumn() {
    Map<String, Object> tree = minimal();
    tree.put("schema", map("evolve", "addColumns"));
    tree.put(
        "collections",
        list(
            map("name", "orders"),
            map("name", "logs", "schema", map("evolve", "none"), "extraColumn", "extra")));
    List<TableMapping> mappings = ConfigBinder.bind(tree, "tidemark.yaml").collections();
    assertThat(mappings.get(0).evolvesColumns()).isTrue();
    assertThat(mappings.get(1).evolvesColumns()).isFalse();

    tree.put("collections", list(map("name", "orders", "schema", map("evolve", "addcolumn"))));
    assertThat(problems(tree))
        .containsExactly(
            "collections[0].schema.evolve: 'addcolumn' is not one of: none, addColumns");
    tree.put("collections", list(map("name", "orders", "extraColumn", "extra")));
    assertThat(problems(tree))
        .containsExactly(
            "collections[0].extraColumn: both extraColumn and schema.evolve: addColumns take the"
                + " fields no column maps; keep one (set schema: { evolve: none } on this"
                + " collection to keep the extra column)");
  }

  @Test
  void columnNamedLikeTheKeyOrTheDocumentColumnIsRejected() {
    Map<String, Object> tree = minimal();
    tree.put(
        "collections",
        list(
            map(
                "name", "orders",
                "documentColumn", "total",
                "columns",
                    list(map("field", "legacyId", "column", "_id"), map("field", "total")))));
    assertThat(problems(tree))
        .containsExactly(
            "collections[0].columns[0].column: column '_id' appears twice in table 'orders'",
            "collections[0].documentColumn: column 'total' is also a mapped column");
  }

  @Test
  void durationsAndSizesAcceptTheirUnits() {
    assertThat(ValueType.parseDuration("750ms")).isEqualTo(Duration.ofMillis(750));
    assertThat(ValueType.parseDuration(" 3 s ")).isEqualTo(Duration.ofSeconds(3));
    assertThat(ValueType.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(ValueType.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
    assertThatThrownBy(() -> ValueType.parseDuration("1d"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ValueType.parseDuration("1.5s"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(ValueType.parseBytes("100")).isEqualTo(100);
    assertThat(ValueType.parseBytes("2kb")).isEqualTo(2048);
    assertThat(ValueType.parseBytes("16MB")).isEqualTo(16L << 20);
    assertThatThrownBy(() -> ValueType.parseBytes("0MB")).hasMessage("must be greater than 0");
  }

  @Test
  void emptyCollectionListIsRejected() {
    Map<String, Object> tree = minimal();
    tree.put("collections", list());
    assertThat(problems(tree))
        .containsExactly("collections: is empty: list at least one collection");
  }

  @Test
  void hugeDurationIsReportedAsAProblem() {
    Map<String, Object> tree = minimal();
    tree.put("retry", map("maxDelay", "9999999999999999h"));
    assertThat(problems(tree))
        .singleElement()
        .asString()
        .isEqualTo("retry.maxDelay: '9999999999999999h' is too large for a duration");
  }

  @Test
  void hugeByteSizeIsRejectedNotWrappedAround() {
    Map<String, Object> tree = minimal();
    tree.put("stream", map("queueMaxBytes", "17179869185GB"));
    assertThat(problems(tree))
        .singleElement()
        .asString()
        .isEqualTo("stream.queueMaxBytes: '17179869185GB' is too large for a bytes");
  }
}
