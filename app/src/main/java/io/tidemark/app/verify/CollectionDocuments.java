package io.tidemark.app.verify;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.mapping.MappedRow;
import io.tidemark.core.mapping.RowMapper;
import io.tidemark.core.mapping.ValueRejectedException;
import io.tidemark.source.mongo.convert.BsonSourceDocument;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;

/**
 * The MongoDB side of a comparison: each document as the row Tidemark would write for it. Reads
 * stream with a bounded batch size; nothing holds more than one batch of documents.
 */
final class CollectionDocuments {
  private static final int BATCH_SIZE = 1000;

  private final MongoCollection<RawBsonDocument> collection;
  private final RowShape shape;
  private final RowMapper mapper;

  CollectionDocuments(MongoCollection<RawBsonDocument> collection, RowShape shape) {
    this.collection = collection;
    this.shape = shape;
    this.mapper = new RowMapper(shape.mapping());
  }

  /** Receives each document of a scan. */
  @FunctionalInterface
  interface Visitor {
    /**
     * @param cells the row's comparable cells, or null when the document cannot be mapped (it has
     *     no row: Tidemark dead-letters or fails on it)
     */
    void document(String key, BsonValue id, String[] cells);
  }

  /**
   * One document's expected row.
   *
   * @param row what Tidemark writes for it, or null when it cannot be mapped
   * @param cells comparable cells of {@code row}, or null
   * @param rejection why it cannot be mapped, or null
   */
  record Expected(String key, MappedRow row, String[] cells, String rejection) {}

  long estimatedCount() {
    try {
      return collection.estimatedDocumentCount();
    } catch (MongoException e) {
      throw failed("count the documents", e);
    }
  }

  /** Reads every document, in natural order (the comparison does not need any order). */
  void scan(Visitor visitor) {
    try {
      for (RawBsonDocument raw : collection.find().batchSize(BATCH_SIZE)) {
        Expected e = expected(raw);
        visitor.document(e.key(), raw.get("_id"), e.cells());
      }
    } catch (MongoException e) {
      throw failed("read the documents", e);
    }
  }

  /** The expected rows of the documents with these {@code _id}s, by key text. */
  Map<String, Expected> fetch(Collection<BsonValue> ids) {
    Map<String, Expected> out = new HashMap<>();
    try {
      for (RawBsonDocument raw : collection.find(Filters.in("_id", ids)).batchSize(BATCH_SIZE)) {
        Expected e = expected(raw);
        out.put(e.key(), e);
      }
    } catch (MongoException e) {
      throw failed("read " + ids.size() + " documents by _id", e);
    }
    return out;
  }

  private Expected expected(RawBsonDocument raw) {
    BsonSourceDocument doc = new BsonSourceDocument(raw);
    String key = doc.key().text();
    try {
      MappedRow row = mapper.map(doc);
      return new Expected(key, row, shape.fromMapped(row), null);
    } catch (ValueRejectedException e) {
      return new Expected(key, null, null, e.reason());
    }
  }

  private TidemarkException failed(String doing, MongoException e) {
    String code = Integer.toString(e.getCode());
    boolean retriable =
        e instanceof com.mongodb.MongoSocketException
            || e instanceof com.mongodb.MongoTimeoutException;
    return new TidemarkException(
        retriable ? ErrorCode.SOURCE_UNAVAILABLE : ErrorCode.SOURCE_FAILED,
        "verify: could not "
            + doing
            + " of collection '"
            + collection.getNamespace().getCollectionName()
            + "' (MongoDB error "
            + code
            + ": "
            + firstLine(e.getMessage())
            + "). Check that MongoDB is reachable and that the user may read the collection.",
        code,
        e);
  }

  private static String firstLine(String m) {
    if (m == null) {
      return "no message";
    }
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
