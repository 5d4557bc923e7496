package io.tidemark.it.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoCollection;
import io.tidemark.sink.jdbc.read.CanonicalJson;
import io.tidemark.source.mongo.convert.BsonSourceDocument;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.bson.RawBsonDocument;

/**
 * Compares a collection with its table under the whole-document mapping: every document must have
 * exactly one row whose {@code doc} equals the document (as JSON, numbers compared by value).
 *
 * <p>Holds the table's documents in memory: for tests of small collections; the demo and operators
 * use {@code tidemark verify}.
 */
public final class TableComparison {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int EXAMPLES = 10;

  /** The result: counts and the first few keys of each kind of difference. */
  public record Result(
      long documents,
      long rows,
      long missingCount,
      long extraCount,
      long differentCount,
      List<String> missing,
      List<String> extra,
      List<String> different) {

    public Result {
      missing = List.copyOf(missing);
      extra = List.copyOf(extra);
      different = List.copyOf(different);
    }

    public boolean matches() {
      return missingCount == 0 && extraCount == 0 && differentCount == 0;
    }

    @Override
    public String toString() {
      if (matches()) {
        return documents + " documents, " + rows + " rows: identical";
      }
      return documents
          + " documents, "
          + rows
          + " rows: "
          + missingCount
          + " missing "
          + missing
          + ", "
          + extraCount
          + " extra "
          + extra
          + ", "
          + differentCount
          + " different "
          + different;
    }
  }

  private TableComparison() {}

  /**
   * @param table the qualified, quoted table name, e.g. {@code "public"."orders"}
   */
  public static Result compare(
      MongoCollection<RawBsonDocument> collection,
      DataSource sink,
      String table,
      String keyColumn,
      String documentColumn)
      throws SQLException {
    Map<String, String> rows = new HashMap<>();
    String sql = "SELECT \"" + keyColumn + "\", \"" + documentColumn + "\"::text FROM " + table;
    try (Connection c = sink.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      c.setAutoCommit(false); // lets the driver stream with a fetch size
      ps.setFetchSize(2000);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.put(rs.getString(1), rs.getString(2));
        }
      }
      c.commit();
    }
    long rowCount = rows.size();
    long documents = 0;
    Counter missing = new Counter();
    Counter different = new Counter();
    for (RawBsonDocument raw : collection.find()) {
      documents++;
      BsonSourceDocument doc = new BsonSourceDocument(raw);
      String key = doc.key().text();
      String row = rows.remove(key);
      if (row == null) {
        missing.add(key);
      } else if (!CanonicalJson.equivalent(doc.toJson(), row)) {
        different.add(key);
      }
    }
    Counter extra = new Counter();
    rows.keySet().forEach(extra::add);
    return new Result(
        documents,
        rowCount,
        missing.count,
        extra.count,
        different.count,
        missing.examples,
        extra.examples,
        different.examples);
  }

  private static final class Counter {
    long count;
    final List<String> examples = new ArrayList<>();

    void add(String key) {
      count++;
      if (examples.size() < EXAMPLES) {
        examples.add(key);
      }
    }
  }
}
