package io.tidemark.connect.write;

import io.tidemark.connect.decode.DocumentChange;
import io.tidemark.connect.decode.UpdateDelta;
import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.event.DocumentKey;
import io.tidemark.core.mapping.OnError;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.pipeline.RowChanges;
import io.tidemark.core.spi.RowChange;
import io.tidemark.core.spi.TableSink;
import io.tidemark.sink.jdbc.write.JdbcChangeSink;
import io.tidemark.source.mongo.convert.BsonSourceDocument;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.BsonDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds one collection's records, in order, into the row changes of one transaction: the final
 * state of each key, mapped by the collection's mapping and {@code onError}.
 *
 * <p>An update that carries only its delta is applied to the document as it stands: as an earlier
 * record of the same records left it, or else as the table stores it in the mapping's {@code
 * documentColumn}, read before the transaction. That read is safe outside the transaction because
 * this task owns every record of the key: both connectors key records by {@code _id}, so a
 * document's changes are in one partition, and the partition's epoch, checked when the batch
 * commits, stops the batch if the partition moved meanwhile.
 */
final class ChangeFolder {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeFolder.class);

  private final JdbcChangeSink sink;
  private final TableSink table;
  private final TableMapping mapping;
  private final RowChanges mapper;
  private final WriteCounters counters;

  ChangeFolder(JdbcChangeSink sink, TableSink table, RowChanges mapper, WriteCounters counters) {
    this.sink = sink;
    this.table = table;
    this.mapping = table.mapping();
    this.mapper = mapper;
    this.counters = counters;
  }

  /** The final row change of each key the records touch, in the order keys last changed. */
  List<RowChange> fold(List<ReadRecord> records) {
    Map<String, String> stored = storedDocumentsOfPatchedKeys(records);
    Map<DocumentKey, RowChange> finalStates = new LinkedHashMap<>();
    // The document each key has after the records so far; a null value: deleted or refused.
    Map<DocumentKey, BsonDocument> current = new HashMap<>();
    for (ReadRecord r : records) {
      RowChange change = rowChange(r, stored, current);
      if (change != null) {
        finalStates.remove(change.key());
        finalStates.put(change.key(), change);
      }
    }
    return new ArrayList<>(finalStates.values());
  }

  private Map<String, String> storedDocumentsOfPatchedKeys(List<ReadRecord> records) {
    if (mapping.documentColumn() == null) {
      return Map.of();
    }
    Set<String> keys = new LinkedHashSet<>();
    for (ReadRecord r : records) {
      if (r.change() != null && r.change().kind() == DocumentChange.Kind.PATCH) {
        keys.add(r.change().key().text());
      }
    }
    return keys.isEmpty() ? Map.of() : sink.storedDocuments(table, keys);
  }

  private RowChange rowChange(
      ReadRecord r, Map<String, String> stored, Map<DocumentKey, BsonDocument> current) {
    DocumentChange change = r.change();
    if (change == null) {
      return refused(r, new DocumentKey("kafka:" + r.where()), r.problem());
    }
    return switch (change.kind()) {
      case UPSERT -> {
        current.put(change.key(), change.bson());
        yield mapped(r, change.document());
      }
      case DELETE -> {
        current.put(change.key(), null);
        yield new RowChange.Delete(change.key());
      }
      case PATCH -> patched(r, stored, current);
      case SKIP -> {
        counters.skippedNoChange(1);
        yield null;
      }
      case IGNORED -> {
        counters.skippedNoChange(1);
        LOG.warn(
            "record {} of collection '{}' is not applied: {}; table {} is left as it is",
            r.where(),
            mapping.collection(),
            change.note(),
            mapping.table());
        yield null;
      }
    };
  }

  private RowChange patched(
      ReadRecord r, Map<String, String> stored, Map<DocumentKey, BsonDocument> current) {
    DocumentChange change = r.change();
    DocumentKey key = change.key();
    BsonDocument base;
    if (current.containsKey(key)) {
      base = current.get(key);
    } else {
      String json = stored.get(key.text());
      base = json == null ? null : BsonDocument.parse(json);
    }
    if (base == null) {
      current.put(key, null);
      String why =
          mapping.documentColumn() == null
              ? "the mapping keeps no whole document (documentColumn) to apply it to"
              : "table " + mapping.table() + " holds no document " + key.text() + " to apply it to";
      return refused(
          r,
          key,
          "the update carries only its delta "
              + change.delta().toJson()
              + " and "
              + why
              + "; "
              + change.note());
    }
    BsonDocument after;
    try {
      after = change.delta().applyTo(base);
    } catch (IllegalArgumentException e) {
      current.put(key, null);
      return refused(r, key, "its delta does not fit the stored document: " + e.getMessage());
    }
    current.put(key, after);
    counters.patched(1);
    return mapped(r, new BsonSourceDocument(UpdateDelta.raw(after)));
  }

  private RowChange mapped(ReadRecord r, io.tidemark.core.event.SourceDocument document) {
    try {
      return mapper.upsert(document);
    } catch (TidemarkException e) {
      throw new TidemarkException(e.code(), "Record " + r.where() + ": " + e.getMessage(), e);
    }
  }

  private RowChange refused(ReadRecord r, DocumentKey key, String why) {
    String described =
        "Record "
            + r.where()
            + " of collection '"
            + mapping.collection()
            + "' (_id "
            + key.text()
            + ") cannot be applied: "
            + why;
    if (mapping.onError() == OnError.DEADLETTER) {
      counters.deadLettered(1);
      return new RowChange.DeadLetter(key, r.text(), described);
    }
    throw new TidemarkException(
        ErrorCode.MAPPING_FAILED,
        described
            + ". To keep going and park such records in the dead-letter table, set onError:"
            + " deadletter for collection "
            + mapping.collection()
            + ".");
  }
}
