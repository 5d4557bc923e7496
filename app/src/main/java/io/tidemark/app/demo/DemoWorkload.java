package io.tidemark.app.demo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Random;
import org.bson.Document;
import org.bson.types.Decimal128;

/**
 * Realistic-looking documents and a mixed write workload for the demo: nested sub-documents,
 * arrays, dates, decimals; inserts, {@code $set}/{@code $inc}/{@code $unset} updates, replaces and
 * deletes. Writes from one thread only (see MONGO-NOTES.md: the stand-in's insert race).
 */
public final class DemoWorkload {
  private static final String[] CITIES = {"Lisbon", "Oslo", "Lyon", "Kyoto", "Austin", "Pune"};
  private static final String[] SKUS = {"tea", "cup", "pot", "kettle", "tray", "spoon"};

  private final Random random;
  private int nextOrder;
  private final List<Integer> liveOrders = new ArrayList<>();

  public DemoWorkload(long seed) {
    this.random = new Random(seed);
  }

  public Document order(int id) {
    List<Document> items = new ArrayList<>();
    int n = 1 + random.nextInt(4);
    for (int i = 0; i < n; i++) {
      items.add(
          new Document("sku", SKUS[random.nextInt(SKUS.length)])
              .append("qty", 1 + random.nextInt(5))
              .append(
                  "price",
                  new Decimal128(
                      new java.math.BigDecimal(random.nextInt(10000)).movePointLeft(2))));
    }
    return new Document("_id", id)
        .append("customer", "c" + random.nextInt(1000))
        .append("status", "new")
        .append("placedAt", new Date(1_700_000_000_000L + random.nextInt(1_000_000_000)))
        .append(
            "shipping",
            new Document("city", CITIES[random.nextInt(CITIES.length)])
                .append("express", random.nextBoolean()))
        .append("items", items)
        .append("touches", 0);
  }

  public Document customer(int id) {
    return new Document("_id", "c" + id)
        .append("email", "user" + id + "@example.com")
        .append(
            "address",
            new Document("city", CITIES[random.nextInt(CITIES.length)])
                .append("zip", String.format("%05d", random.nextInt(99999))))
        .append("tags", List.of("demo", random.nextBoolean() ? "vip" : "regular"));
  }

  /** Inserts {@code count} orders in batches. */
  public void seedOrders(MongoCollection<Document> orders, int count) {
    List<Document> batch = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      batch.add(order(nextOrder));
      liveOrders.add(nextOrder++);
      if (batch.size() == 1000) {
        orders.insertMany(batch);
        batch.clear();
      }
    }
    if (!batch.isEmpty()) {
      orders.insertMany(batch);
    }
  }

  public void seedCustomers(MongoCollection<Document> customers, int count) {
    List<Document> batch = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      batch.add(customer(i));
    }
    customers.insertMany(batch);
  }

  /** One random write; returns its kind for the summary. */
  public String step(MongoCollection<Document> orders) {
    int dice = random.nextInt(100);
    if (dice < 30 || liveOrders.isEmpty()) {
      orders.insertOne(order(nextOrder));
      liveOrders.add(nextOrder++);
      return "insert";
    }
    int id = liveOrders.get(random.nextInt(liveOrders.size()));
    if (dice < 60) {
      orders.updateOne(
          Filters.eq("_id", id),
          Updates.combine(Updates.set("status", "shipped"), Updates.inc("touches", 1)));
      return "update";
    } else if (dice < 75) {
      orders.updateOne(
          Filters.eq("_id", id),
          Updates.combine(Updates.unset("shipping.express"), Updates.inc("touches", 1)));
      return "update";
    } else if (dice < 88) {
      orders.replaceOne(Filters.eq("_id", id), order(id).append("status", "replaced"));
      return "replace";
    }
    orders.deleteOne(Filters.eq("_id", id));
    liveOrders.remove(Integer.valueOf(id));
    return "delete";
  }
}
