package io.tidemark.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.tidemark.app.Daemon;
import io.tidemark.app.verify.CollectionResult;
import io.tidemark.app.verify.Verifier;
import io.tidemark.app.verify.VerifyOptions;
import io.tidemark.core.config.YamlConfigLoader;
import io.tidemark.core.pipeline.CollectionPipeline;
import io.tidemark.core.pipeline.CollectionState;
import io.tidemark.it.support.TestPipeline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * Arrays of sub-documents into child tables, two levels deep: the copy, then every kind of change
 * to an array ($push, $pull, $set of a shorter or longer array, a positional $set, $unset, a
 * replacement, a delete), then a rebuild. After each phase the child tables hold exactly the rows
 * the arrays in MongoDB give, element for element; a value that cannot be a child row goes to the
 * dead-letter table with the rest of the batch committed.
 */
class ChildTablesIT {

  private static final String ORDERS =
      String.join(
          "\n",
          "  - name: orders",
          "    columns:",
          "      - { field: status }",
          "    children:",
          "      - field: items",
          "        table: order_items",
          "        elementColumn: element",
          "        columns:",
          "          - { field: sku }",
          "          - { field: qty, type: integer }",
          "        children:",
          "          - field: options",
          "            table: order_item_options",
          "            columns:",
          "              - { field: name }",
          "  - name: strict",
          "    onError: deadletter",
          "    children:",
          "      - field: lines",
          "        table: strict_lines",
          "        columns:",
          "          - { field: qty, type: integer }");

  private final Random random = new Random(42);

  private Document order(int n) {
    Document order = new Document("_id", "o" + n).append("status", "new");
    if (n % 10 == 0) {
      return order; // no items field at all
    }
    if (n % 10 == 1) {
      return order.append("items", null);
    }
    List<Document> items = new ArrayList<>();
    for (int i = random.nextInt(5); i > 0; i--) {
      items.add(item());
    }
    return order.append("items", items);
  }

  private Document item() {
    Document item =
        new Document("sku", "sku-" + random.nextInt(1000)).append("qty", random.nextInt(9));
    List<Document> options = new ArrayList<>();
    for (int j = random.nextInt(4); j > 0; j--) {
      options.add(new Document("name", "opt-" + random.nextInt(100)));
    }
    if (!options.isEmpty() || random.nextBoolean()) {
      item.append("options", options);
    }
    return item;
  }

  @Test
  void childRowsAlwaysEqualTheArraysThroughCopyStreamAndRebuild() throws Exception {
    TestPipeline p = TestPipeline.create("children");
    MongoCollection<Document> orders = p.collection("orders");
    MongoCollection<Document> strict = p.collection("strict");
    for (int n = 0; n < 300; n++) {
      orders.insertOne(order(n));
    }
    strict.insertOne(new Document("_id", "c-ok").append("lines", List.of(new Document("qty", 1))));
    strict.insertOne(new Document("_id", "c-bad").append("lines", "one line"));

    String yaml = p.yaml("snapshot: { chunkSize: 50 }\ncollections:\n" + ORDERS);
    try (Daemon daemon = p.startDaemon(yaml)) {
      TestPipeline.awaitState(daemon, CollectionState.STREAMING, Duration.ofSeconds(60));
      awaitChildrenMatch(p, orders, "after the copy");

      orders.insertOne(order(1001));
      orders.updateOne(Filters.eq("_id", "o2"), Updates.push("items", item()));
      orders.updateOne(
          Filters.eq("_id", "o3"), Updates.set("items", List.of(item(), item(), item(), item())));
      orders.updateOne(Filters.eq("_id", "o3"), Updates.set("items", List.of(item())));
      orders.updateOne(Filters.eq("_id", "o4"), Updates.set("items", List.of()));
      orders.updateOne(
          Filters.eq("_id", "o5"),
          Updates.set("items", List.of(item(), new Document("sku", "gone"), item())));
      orders.updateOne(Filters.eq("_id", "o5"), Updates.pull("items", new Document("sku", "gone")));
      orders.updateOne(
          Filters.eq("_id", "o6"),
          Updates.set("items", List.of(new Document("sku", "a").append("qty", 1), item())));
      orders.updateOne(Filters.eq("_id", "o6"), Updates.set("items.0.qty", 7));
      orders.updateOne(
          Filters.eq("_id", "o6"),
          Updates.push("items.0.options", new Document("name", "gift wrap")));
      orders.updateOne(Filters.eq("_id", "o7"), Updates.unset("items"));
      orders.updateOne(Filters.eq("_id", "o10"), Updates.set("items", List.of(item(), item())));
      orders.replaceOne(
          Filters.eq("_id", "o8"),
          new Document("_id", "o8").append("status", "replaced").append("items", List.of(item())));
      orders.deleteOne(Filters.eq("_id", "o9"));
      orders.deleteMany(Filters.in("_id", "o12", "o13", "o14"));
      for (int n = 20; n < 120; n++) {
        orders.updateOne(Filters.eq("_id", "o" + n), Updates.push("items", item()));
      }
      strict.insertOne(
          new Document("_id", "s-bad")
              .append("lines", List.of(new Document("qty", 1), new Document("qty", "two"))));
      strict.insertOne(new Document("_id", "s-ok").append("lines", List.of()));
      awaitChildrenMatch(p, orders, "after streaming");
      assertThat(p.query("SELECT qty::text FROM order_items WHERE _id = 'o6' ORDER BY items_index"))
          .as("a positional $set reaches its child row")
          .first()
          .isEqualTo("7");
      assertThat(
              p.query(
                  "SELECT name FROM order_item_options WHERE _id = 'o6' AND items_index = 0"
                      + " ORDER BY options_index DESC LIMIT 1"))
          .containsExactly("gift wrap");
      assertThat(p.query("SELECT element->>'sku' FROM order_items WHERE _id = 'o6' LIMIT 1"))
          .as("the element column holds the whole element")
          .containsExactly("a");

      CollectionPipeline pipeline = daemon.engine().pipeline("orders").orElseThrow();
      assertThat(pipeline.requestResnapshot()).isTrue();
      orders.updateOne(Filters.eq("_id", "o15"), Updates.push("items", item()));
      TestPipeline.await(
          () -> pipeline.status().rebuild() == null,
          Duration.ofSeconds(120),
          () -> "the rebuild did not finish: " + pipeline.status());
      awaitChildrenMatch(p, orders, "after a rebuild");
      assertThat(
              p.query(
                  "SELECT count(*) FROM pg_class WHERE relname LIKE '%__tidemark_rebuild'"
                      + " AND relnamespace = 'public'::regnamespace"))
          .containsExactly("0");

      TestPipeline.await(
          () -> p.number("SELECT count(*) FROM strict") == 2,
          Duration.ofSeconds(30),
          () -> "strict: " + daemon.status());
      assertThat(TestPipeline.status(daemon, "strict").state())
          .isEqualTo(CollectionState.STREAMING);
    }
    CollectionResult clean = verify(yaml, false);
    assertThat(clean.identical()).as("verify compares child tables too").isTrue();
    // Break the copy behind Tidemark's back: one child row changed, one gone, one extra.
    p.query(
        "WITH a AS (UPDATE order_items SET qty = qty + 100 WHERE _id = 'o6' AND items_index = 1"
            + " RETURNING 1), b AS (DELETE FROM order_item_options WHERE _id = 'o6'"
            + " RETURNING 1), c AS (INSERT INTO order_items (_id, items_index, sku, qty)"
            + " VALUES ('o2', 99, 'ghost', 1) RETURNING 1) SELECT 1");
    CollectionResult broken = verify(yaml, false);
    assertThat(broken.different()).isEqualTo(2);
    assertThat(broken.examples().toString())
        .contains("o6", "child table order_items", "child table order_item_options", "o2");
    CollectionResult repaired = verify(yaml, true);
    assertThat(repaired.clean()).isTrue();
    awaitChildrenMatch(p, orders, "after verify --repair");

    assertThat(p.query("SELECT _id FROM strict ORDER BY _id")).containsExactly("c-ok", "s-ok");
    assertThat(p.query("SELECT _id || ':' || qty FROM strict_lines")).containsExactly("c-ok:1");
    assertThat(
            p.query(
                "SELECT reason FROM tidemark.dead_letter WHERE collection = 'strict'"
                    + " ORDER BY document_key"))
        .containsExactly(
            "strict.lines (document _id c-bad): String found where child table strict_lines"
                + " expects an array (one row per element); map the field as a column instead,"
                + " or set onError: deadletter",
            "strict.lines[1].qty (document _id s-bad): String '\"two\"' cannot be stored in column"
                + " strict_lines.qty integer: it is not a number; map the field as text or jsonb");
  }

  private static CollectionResult verify(String yaml, boolean repair) throws InterruptedException {
    VerifyOptions options =
        new VerifyOptions(
            "orders",
            repair,
            VerifyOptions.DEFAULT_MAX_EXAMPLES,
            VerifyOptions.DEFAULT_MAX_KEYS_IN_MEMORY);
    return new Verifier(new YamlConfigLoader().parse(yaml, "test configuration"), options)
        .run()
        .collections()
        .get(0);
  }

  private static void awaitChildrenMatch(
      TestPipeline p, MongoCollection<Document> orders, String when) throws InterruptedException {
    TestPipeline.await(
        () -> expectedItems(orders).equals(items(p)) && expectedOptions(orders).equals(options(p)),
        Duration.ofSeconds(60),
        () ->
            when
                + ": child rows differ from the arrays; items expected "
                + expectedItems(orders).size()
                + " rows, found "
                + items(p).size()
                + "; options expected "
                + expectedOptions(orders).size()
                + ", found "
                + options(p).size());
  }

  /** Every item row the orders' arrays give: {@code _id|index|sku|qty}. */
  private static List<String> expectedItems(MongoCollection<Document> orders) {
    List<String> rows = new ArrayList<>();
    for (Document order : orders.find()) {
      List<Document> items = order.getList("items", Document.class, List.of());
      for (int i = 0; i < items.size(); i++) {
        Document item = items.get(i);
        rows.add(order.get("_id") + "|" + i + "|" + item.get("sku") + "|" + item.get("qty"));
      }
    }
    Collections.sort(rows);
    return rows;
  }

  /** Every option row: {@code _id|item index|option index|name}. */
  private static List<String> expectedOptions(MongoCollection<Document> orders) {
    List<String> rows = new ArrayList<>();
    for (Document order : orders.find()) {
      List<Document> items = order.getList("items", Document.class, List.of());
      for (int i = 0; i < items.size(); i++) {
        List<Document> options = items.get(i).getList("options", Document.class, List.of());
        for (int j = 0; j < options.size(); j++) {
          rows.add(order.get("_id") + "|" + i + "|" + j + "|" + options.get(j).get("name"));
        }
      }
    }
    Collections.sort(rows);
    return rows;
  }

  private static List<String> items(TestPipeline p) {
    return sorted(
        p,
        "SELECT _id || '|' || items_index || '|' || coalesce(sku, 'null') || '|'"
            + " || coalesce(qty::text, 'null') FROM order_items");
  }

  private static List<String> options(TestPipeline p) {
    return sorted(
        p,
        "SELECT _id || '|' || items_index || '|' || options_index || '|' || name"
            + " FROM order_item_options");
  }

  private static List<String> sorted(TestPipeline p, String sql) {
    try {
      List<String> rows = new ArrayList<>(p.query(sql));
      Collections.sort(rows);
      return rows;
    } catch (java.sql.SQLException e) {
      return List.of("(query failed: " + e.getMessage() + ")");
    }
  }
}
