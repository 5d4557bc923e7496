package io.tidemark.connect.decode;

import io.tidemark.core.event.DocumentKey;
import io.tidemark.source.mongo.convert.BsonSourceDocument;
import io.tidemark.source.mongo.convert.DocumentKeys;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;

/**
 * Reads a Kafka record written by Debezium's MongoDB connector or MongoDB's Kafka source connector
 * as a {@link DocumentChange}. Full documents are parsed from their Extended JSON into BSON and
 * mapped exactly as the daemon maps what it reads from MongoDB ({@link BsonSourceDocument}).
 *
 * <p>The formats, as the connectors document them (the samples under the tests' {@code
 * resources/events} cite the pages):
 *
 * <ul>
 *   <li>Debezium: {@code op} is {@code c}, {@code u} (an update or a replace), {@code r} (the
 *       initial copy) or {@code d}; {@code after} holds the full document as Extended JSON when
 *       there is one; an update captured without it carries {@code updateDescription} only, its
 *       {@code updatedFields} as JSON text; the key is {@code {"id": "<_id as Extended JSON>"}}; a
 *       delete is followed by a tombstone (null value).
 *   <li>Change stream: {@code operationType}, {@code documentKey}, {@code fullDocument} (absent on
 *       an update unless the connector looks it up, null when the lookup found the document gone),
 *       {@code updateDescription}, {@code ns}.
 *   <li>Full document only: the document; a tombstone keyed by the document key is a delete.
 * </ul>
 *
 * <p>An update without a full document becomes a {@link DocumentChange.Kind#PATCH} carrying its
 * {@link UpdateDelta}, applied by the writer to the document as it stands.
 * </ul>
 */
public final class ChangeDecoder {
  private final InputFormat format;
  private final Map<String, String> topicCollections;

  /**
   * @param topicCollections collections of topics named explicitly; other topics' collections come
   *     from the record ({@code ns.coll}, {@code source.collection}) or else from the topic's last
   *     dot-separated segment, as both connectors name topics {@code prefix.db.collection}
   */
  public ChangeDecoder(InputFormat format, Map<String, String> topicCollections) {
    this.format = format;
    this.topicCollections = Map.copyOf(topicCollections);
  }

  /**
   * @throws IllegalArgumentException saying what is wrong with the record; the caller adds where it
   *     is (topic, partition, offset)
   */
  public DocumentChange decode(String topic, Object key, Object value) {
    BsonDocument body = RecordValues.toDocument(value);
    InputFormat as = format == InputFormat.AUTO ? detect(body) : format;
    return switch (as) {
      case DEBEZIUM -> debezium(topic, key, body);
      case CHANGE_STREAM -> changeStream(topic, key, body);
      default -> fullDocument(topic, key, body);
    };
  }

  private static InputFormat detect(BsonDocument body) {
    if (body == null) {
      return InputFormat.FULL_DOCUMENT; // a tombstone: read by its key below
    }
    if (body.containsKey("op") && (body.containsKey("after") || body.containsKey("source"))) {
      return InputFormat.DEBEZIUM;
    }
    if (body.containsKey("operationType")) {
      return InputFormat.CHANGE_STREAM;
    }
    return InputFormat.FULL_DOCUMENT;
  }

  private DocumentChange debezium(String topic, Object key, BsonDocument body) {
    if (body == null) {
      return DocumentChange.skip(
          collectionOf(topic, null), "a tombstone: its delete came just before it");
    }
    BsonDocument source = body.isDocument("source") ? body.getDocument("source") : null;
    String collection =
        collectionOf(topic, source == null ? null : stringOrNull(source, "collection"));
    String op = stringOrNull(body, "op");
    if (op == null) {
      throw new IllegalArgumentException("a Debezium event without op");
    }
    String after = stringOrNull(body, "after");
    switch (op) {
      case "c", "r", "u" -> {
        if (after != null) {
          return upsert(collection, RecordValues.parseRaw(after), op.equals("r"));
        }
        if (op.equals("u")) {
          return DocumentChange.patch(
              collection,
              debeziumKey(key),
              UpdateDelta.from(body.get("updateDescription")),
              "have Debezium send full documents with capture.mode: change_streams_update_full");
        }
        throw new IllegalArgumentException("a Debezium '" + op + "' event without after");
      }
      case "d" -> {
        return DocumentChange.delete(collection, debeziumKey(key));
      }
      default -> {
        return DocumentChange.ignored(collection, "Debezium op '" + op + "' changes no document");
      }
    }
  }

  private DocumentChange changeStream(String topic, Object key, BsonDocument body) {
    if (body == null) {
      return fullDocument(topic, key, null);
    }
    BsonDocument ns = subDocument(body, "ns");
    String collection = collectionOf(topic, ns == null ? null : stringOrNull(ns, "coll"));
    String type = stringOrNull(body, "operationType");
    switch (type == null ? "" : type) {
      case "insert", "replace", "update" -> {
        BsonValue full = body.get("fullDocument");
        if (full != null && !full.isNull()) {
          return upsert(collection, subDocument(body, "fullDocument"), false);
        }
        if (!type.equals("update")) {
          throw new IllegalArgumentException("a change event '" + type + "' without fullDocument");
        }
        // No document: none was looked up, or the lookup found it deleted since (its delete
        // follows, and a schema'd value cannot tell the two apart). The delta is right in both.
        return DocumentChange.patch(
            collection,
            documentKey(body),
            UpdateDelta.from(body.get("updateDescription")),
            "have MongoDB's connector send full documents with change.stream.full.document:"
                + " updateLookup");
      }
      case "delete" -> {
        return DocumentChange.delete(collection, documentKey(body));
      }
      default -> {
        return DocumentChange.ignored(
            collection, "operationType '" + type + "' changes no single document");
      }
    }
  }

  private DocumentChange fullDocument(String topic, Object key, BsonDocument body) {
    String collection = collectionOf(topic, null);
    if (body != null) {
      return upsert(collection, body, false);
    }
    BsonDocument keyDocument = key == null ? null : RecordValues.toDocument(key);
    if (keyDocument != null && keyDocument.containsKey("_id") && !isResumeToken(keyDocument)) {
      return DocumentChange.delete(collection, DocumentKeys.of(keyDocument.get("_id")));
    }
    if (keyDocument != null && keyDocument.containsKey("id")) {
      return DocumentChange.skip(collection, "a Debezium tombstone: its delete came before it");
    }
    throw new IllegalArgumentException(
        "a tombstone whose key holds no _id (key "
            + describe(keyDocument)
            + "): set the source connector's change.stream.document.key.as.key: true so that a"
            + " delete names its document");
  }

  /**
   * Whether a key is MongoDB's connector's default key, the change's resume token {@code {_id:
   * {_data: "<hex>"}}}, rather than a document key: it names no document. (A document whose own
   * {@code _id} has exactly that shape would be taken for one and refused, not deleted wrongly.)
   */
  private static boolean isResumeToken(BsonDocument key) {
    BsonValue id = key.get("_id");
    return id.isDocument() && id.asDocument().size() == 1 && id.asDocument().isString("_data");
  }

  private String collectionOf(String topic, String named) {
    String explicit = topicCollections.get(topic);
    if (explicit != null) {
      return explicit;
    }
    if (named != null) {
      return named;
    }
    return topic.substring(topic.lastIndexOf('.') + 1);
  }

  /** A full document, mapped as the daemon maps what it reads (raw BSON, decoded lazily). */
  static DocumentChange upsert(String collection, BsonDocument parsed, boolean snapshot) {
    if (!parsed.containsKey("_id")) {
      throw new IllegalArgumentException("a document without _id");
    }
    RawBsonDocument raw = UpdateDelta.raw(parsed);
    return DocumentChange.upsert(collection, new BsonSourceDocument(raw), raw, snapshot);
  }

  private static DocumentKey debeziumKey(Object key) {
    BsonDocument document = key == null ? null : RecordValues.toDocument(key);
    String id = document == null ? null : stringOrNull(document, "id");
    if (id == null) {
      throw new IllegalArgumentException(
          "a Debezium event whose key has no id field (key " + describe(document) + ")");
    }
    return DocumentKeys.of(RecordValues.parse("{\"_id\": " + id + "}").get("_id"));
  }

  private static DocumentKey documentKey(BsonDocument body) {
    BsonDocument key = subDocument(body, "documentKey");
    if (key == null || !key.containsKey("_id")) {
      throw new IllegalArgumentException("a change event without documentKey._id");
    }
    return DocumentKeys.of(key.get("_id"));
  }

  /**
   * A field holding a document: a sub-document, or its Extended JSON as a string, as MongoDB's
   * connector writes documents into a schema'd value ({@code output.format.value=schema}).
   */
  private static BsonDocument subDocument(BsonDocument body, String field) {
    BsonValue value = body.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (value.isDocument()) {
      return value.asDocument();
    }
    if (value.isString()) {
      return RecordValues.parse(value.asString().getValue());
    }
    throw new IllegalArgumentException(field + " is neither a document nor its JSON");
  }

  private static String stringOrNull(BsonDocument document, String field) {
    BsonValue value = document.get(field);
    return value != null && value.isString() ? value.asString().getValue() : null;
  }

  private static String describe(BsonValue value) {
    if (value == null || value.isNull()) {
      return "absent";
    }
    String json = value.isDocument() ? value.asDocument().toJson() : value.toString();
    return json.length() > 200 ? json.substring(0, 200) + "…" : json;
  }
}
