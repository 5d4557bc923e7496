package io.tidemark.app.verify;

import io.tidemark.core.event.DocumentKey;
import io.tidemark.core.event.SourceDocument;
import io.tidemark.core.mapping.MappedRow;
import io.tidemark.core.mapping.RowMapper;
import io.tidemark.core.mapping.ValueRejectedException;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.spi.CollectionSource;
import io.tidemark.core.spi.SnapshotCursor;
import io.tidemark.core.spi.TableScanner;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The source side of a comparison: each document as the row Tidemark would write for it, in the
 * sink's comparable cells. A scan reads the collection as the copy does (key order, one batch in
 * memory, durable data as of the scan's start); a fetch reads documents by key as they are now. Not
 * thread-safe: one comparison's thread reads the collection.
 */
final class CollectionDocuments {
  private final CollectionSource collection;
  private final TableScanner table;
  private final RowMapper mapper;

  /**
   * The start time every scan reads at or after, taken by the first scan: taking it costs a change
   * stream's wait (about half a second on a quiet collection), and a later scan reading at an
   * earlier start time still reads the newest durable data.
   */
  private ClusterTime scanTime;

  CollectionDocuments(CollectionSource collection, TableScanner table, RowMapper mapper) {
    this.collection = collection;
    this.table = table;
    this.mapper = mapper;
  }

  /** Receives each document of a scan. */
  @FunctionalInterface
  interface Visitor {
    /**
     * @param cells the row's comparable cells, or null when the document cannot be mapped (it has
     *     no row: Tidemark dead-letters or fails on it)
     */
    void document(String key, String[] cells);
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
    return collection.estimatedDocumentCount();
  }

  /** Reads every document. */
  void scan(Visitor visitor) {
    if (scanTime == null) {
      scanTime = collection.captureOperationTime();
    }
    try (SnapshotCursor cursor = collection.openSnapshot(scanTime, null, null)) {
      for (SourceDocument document = cursor.next(); document != null; document = cursor.next()) {
        Expected e = expected(document);
        visitor.document(e.key(), e.cells());
      }
    }
  }

  /** The expected rows of the documents with these keys that exist now, by key text. */
  Map<String, Expected> fetch(Collection<String> keys) {
    List<DocumentKey> wanted = new ArrayList<>(keys.size());
    keys.forEach(k -> wanted.add(new DocumentKey(k)));
    Map<String, Expected> out = new HashMap<>();
    for (SourceDocument document : collection.lookup(wanted)) {
      Expected e = expected(document);
      out.put(e.key(), e);
    }
    return out;
  }

  private Expected expected(SourceDocument document) {
    String key = document.key().text();
    try {
      MappedRow row = mapper.map(document);
      return new Expected(key, row, table.cells(row), null);
    } catch (ValueRejectedException e) {
      return new Expected(key, null, null, e.reason());
    }
  }
}
