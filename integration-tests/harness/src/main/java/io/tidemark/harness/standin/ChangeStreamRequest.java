package io.tidemark.harness.standin;

import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An {@code aggregate} that opens a change stream, checked as MongoDB checks it and reduced to what
 * the stand-in serves. What MongoDB refuses is refused with its code:
 *
 * <ul>
 *   <li>{@code $changeStream} options: an unknown one, or one newer than the claimed version, 40415
 *       ({@code DocumentSourceChangeStreamSpec}, {@code
 *       src/mongo/db/pipeline/document_source_change_stream.idl}, parsed with {@code
 *       IDLParserContext("$changeStream")}); a value of the wrong type, TypeMismatch (14); a mode
 *       that is not one, BadValue (2) ({@code src/mongo/idl/idl_parser.cpp});
 *   <li>resume options: both tokens 50865, a token and a time 40674, {@code resumeAfter} an
 *       invalidate's token InvalidResumeToken (260), a stream on {@code local}, {@code admin},
 *       {@code config} or a {@code system.} collection InvalidNamespace (73) ({@code
 *       assertIsLegalSpecification}, {@code
 *       src/mongo/db/pipeline/document_source_change_stream.cpp});
 *   <li>stages: an unknown name 40324 ({@code
 *       src/mongo/db/pipeline/lite_parsed_document_source.cpp}); a stage not allowed in a change
 *       stream, IllegalOperation (20); {@code $changeStream} later than first, 40602 ({@code
 *       src/mongo/db/pipeline/pipeline.cpp}); {@code $changeStreamSplitLargeEvent} not last
 *       7182802, with a non-empty spec 7182800 ({@code
 *       src/mongo/db/pipeline/document_source_change_stream_split_large_event.cpp}), twice 7183900
 *       ({@code pipeline.cpp}), on a version without it 40324.
 * </ul>
 *
 * What MongoDB accepts but the stand-in cannot serve (pre- and post-images, expanded events, a
 * cluster-wide stream) is refused with NotImplemented (238). {@code $changeStreamSplitLargeEvent}
 * is served by leaving it out: it returns an event of up to 16 MB unchanged ({@code doGetNext}),
 * and the stand-in sends no larger ones through tests.
 *
 * @param collection the watched collection, or null for a whole-database stream ({@code aggregate:
 *     1})
 * @param start where the stream starts: the last cluster time it has passed
 * @param stages the stages after {@code $changeStream}, for the stand-in to run
 */
record ChangeStreamRequest(
    String database,
    String collection,
    long start,
    boolean lookUpFullDocument,
    List<Document> stages,
    int batchSize) {

  private static final String SPLIT_STAGE = "$changeStreamSplitLargeEvent";

  /** Stages a change stream may hold ({@code ChangeStreamRequirement::kAllowlist}). */
  private static final Set<String> ALLOWED_STAGES =
      Set.of(
          "$match",
          "$project",
          "$addFields",
          "$set",
          "$unset",
          "$replaceRoot",
          "$replaceWith",
          "$redact",
          SPLIT_STAGE);

  /** Every stage name the stand-in knows MongoDB to have, for telling 20 from 40324. */
  private static final Set<String> OTHER_KNOWN_STAGES =
      Set.of(
          "$group",
          "$sort",
          "$limit",
          "$skip",
          "$lookup",
          "$unwind",
          "$out",
          "$merge",
          "$count",
          "$facet",
          "$bucket",
          "$bucketAuto",
          "$sample",
          "$sortByCount",
          "$graphLookup",
          "$unionWith",
          "$geoNear",
          "$indexStats",
          "$collStats",
          "$densify",
          "$fill",
          "$setWindowFields",
          "$documents",
          "$currentOp",
          "$listSessions",
          "$planCacheStats");

  /** Whether the pipeline of this aggregate starts with {@code $changeStream}. */
  static boolean isChangeStream(Document query) {
    return query.get("pipeline") instanceof List<?> stages
        && !stages.isEmpty()
        && stages.get(0) instanceof Document first
        && first.containsKey("$changeStream");
  }

  /**
   * Checks an aggregate whose pipeline starts with {@code $changeStream}.
   *
   * @param currentTime the newest cluster time: where a stream without a start option starts
   * @param oldestTime the oldest time the oplog still holds
   */
  static ChangeStreamRequest parse(
      String database, Document query, StandInVersion version, long currentTime, long oldestTime) {
    Object target = query.get("aggregate");
    String collection = target instanceof String name ? name : null;
    if (collection == null && !(target instanceof Number n && n.doubleValue() == 1)) {
      throw new MongoServerError(
          2,
          "BadValue",
          "Invalid command format: the 'aggregate' field must specify a collection name or 1");
    }
    List<Document> pipeline = stages(query.get("pipeline"));
    Document spec = spec(pipeline.get(0).get("$changeStream"));
    // The options first, as MongoDB parses the spec before it checks the namespace: a cluster-wide
    // stream on admin is then refused as not served, not as an internal database.
    checkOptions(spec, version);
    checkNamespace(database, collection);
    List<Document> stages = checkStages(pipeline, version);
    Start start = start(spec, currentTime);
    if (Long.compareUnsigned(start.oldestNeeded(), oldestTime) < 0) {
      // The resume point left the oplog (or was never in it): MongoDB's scan for it fails
      // (DocumentSourceChangeStreamCheckResumability::doGetNext, OplogQueryMinTsMissing).
      throw IndexedOplog.historyLost();
    }
    int batchSize =
        query.get("cursor") instanceof Document cursor
                && cursor.get("batchSize") instanceof Number size
            ? size.intValue()
            : 0;
    return new ChangeStreamRequest(
        database,
        collection,
        start.position(),
        "updateLookup".equals(spec.get("fullDocument")),
        stages,
        batchSize);
  }

  private static void checkNamespace(String database, String collection) {
    if (database.equals("admin") || database.equals("local") || database.equals("config")) {
      throw new MongoServerError(
          73,
          "InvalidNamespace",
          "$changeStream may not be opened on the internal " + database + " database");
    }
    if (collection != null && collection.startsWith("system.")) {
      throw new MongoServerError(
          73,
          "InvalidNamespace",
          "$changeStream may not be opened on the internal "
              + database
              + "."
              + collection
              + " collection");
    }
  }

  private static List<Document> stages(Object pipeline) {
    List<Document> stages = new ArrayList<>();
    for (Object stage : (List<?>) pipeline) {
      if (!(stage instanceof Document document) || document.size() != 1) {
        throw new MongoServerError(
            40323,
            "Location40323",
            "A pipeline stage specification object must contain exactly one field.");
      }
      stages.add(document);
    }
    return stages;
  }

  private static Document spec(Object value) {
    if (!(value instanceof Document spec)) {
      throw new MongoServerError(
          50808, "Location50808", "$changeStream stage expects a document as argument");
    }
    return spec;
  }

  /** The IDL's fields, by the version that brought them. */
  private static void checkOptions(Document spec, StandInVersion version) {
    Set<String> known =
        new HashSet<>(
            Set.of(
                "resumeAfter",
                "startAfter",
                "startAtOperationTime",
                "fullDocument",
                "allChangesForCluster",
                "showMigrationEvents",
                "allowToRunOnConfigDB"));
    if (version.hasChangeStreamOptionsOf60()) {
      known.addAll(Set.of("fullDocumentBeforeChange", "showExpandedEvents"));
    }
    for (Map.Entry<String, Object> option : spec.entrySet()) {
      String name = option.getKey();
      Object value = option.getValue();
      if (!known.contains(name)) {
        throw new MongoServerError(
            40415, "Location40415", "BSON field '$changeStream." + name + "' is an unknown field.");
      }
      switch (name) {
        case "resumeAfter", "startAfter" -> expectType(name, value, Document.class, "object");
        case "startAtOperationTime" -> expectType(name, value, BsonTimestamp.class, "timestamp");
        case "fullDocument" -> {
          expectType(name, value, String.class, "string");
          Set<String> modes =
              version.hasChangeStreamOptionsOf60()
                  ? Set.of("default", "updateLookup", "whenAvailable", "required")
                  : Set.of("default", "updateLookup");
          checkMode(name, (String) value, modes, Set.of("whenAvailable", "required"));
        }
        case "fullDocumentBeforeChange" -> {
          expectType(name, value, String.class, "string");
          checkMode(
              name,
              (String) value,
              Set.of("off", "whenAvailable", "required"),
              Set.of("whenAvailable", "required"));
        }
        default -> {
          expectType(name, value, Boolean.class, "bool");
          if ((Boolean) value && !name.equals("showMigrationEvents")) {
            // A replica set has no migrations, so showMigrationEvents: true changes nothing.
            throw notServed("$changeStream." + name + ": true");
          }
        }
      }
    }
  }

  private static void expectType(String name, Object value, Class<?> type, String typeName) {
    if (!type.isInstance(value)) {
      throw new MongoServerError(
          14,
          "TypeMismatch",
          "BSON field '$changeStream."
              + name
              + "' is the wrong type '"
              + typeName(value)
              + "', expected type '"
              + typeName
              + "'");
    }
  }

  private static void checkMode(String name, String value, Set<String> modes, Set<String> images) {
    if (!modes.contains(value)) {
      // IDL enums ({@code IDLParserContext::throwBadEnumValue}); 5.0 words it differently.
      throw new MongoServerError(
          2,
          "BadValue",
          "Enumeration value '"
              + value
              + "' for field '$changeStream."
              + name
              + "' is not a valid value.");
    }
    if (images.contains(value)) {
      throw notServed("$changeStream." + name + ": " + value + " (pre- and post-images)");
    }
  }

  /** The stages after {@code $changeStream} that the stand-in runs itself. */
  private static List<Document> checkStages(List<Document> pipeline, StandInVersion version) {
    List<Document> kept = new ArrayList<>();
    boolean split = false;
    for (int i = 1; i < pipeline.size(); i++) {
      Map.Entry<String, Object> stage = pipeline.get(i).entrySet().iterator().next();
      String name = stage.getKey();
      if (name.equals("$changeStream")) {
        throw new MongoServerError(
            40602, "Location40602", "$changeStream is only valid as the first stage in a pipeline");
      }
      boolean known =
          ALLOWED_STAGES.contains(name)
                  && (!name.equals(SPLIT_STAGE) || version.hasSplitLargeEventStage())
              || OTHER_KNOWN_STAGES.contains(name);
      if (!known) {
        throw new MongoServerError(
            40324, "Location40324", "Unrecognized pipeline stage name: '" + name + "'");
      }
      if (!ALLOWED_STAGES.contains(name)) {
        throw new MongoServerError(
            20, "IllegalOperation", name + " is not permitted in a $changeStream pipeline");
      }
      if (!name.equals(SPLIT_STAGE)) {
        kept.add(pipeline.get(i));
        continue;
      }
      if (!(stage.getValue() instanceof Document spec) || !spec.isEmpty()) {
        throw new MongoServerError(
            7182800,
            "Location7182800",
            "$changeStreamSplitLargeEvent spec should be an empty object");
      }
      if (split) {
        throw new MongoServerError(
            7183900, "Location7183900", SPLIT_STAGE + " can only be used once in the pipeline");
      }
      split = true;
      if (i != pipeline.size() - 1) {
        throw new MongoServerError(
            7182802, "Location7182802", SPLIT_STAGE + " must be the last stage in the pipeline");
      }
    }
    return kept;
  }

  /**
   * Where a stream starts: the last cluster time it has passed, and the oldest entry it needs (a
   * resume token's own event must still be in the oplog, {@code $gte} its time).
   */
  private record Start(long position, long oldestNeeded) {}

  private static Start start(Document spec, long currentTime) {
    Object startAfter = spec.get("startAfter");
    Object resumeAfter = spec.get("resumeAfter");
    Object startAt = spec.get("startAtOperationTime");
    if (startAfter != null && resumeAfter != null) {
      throw new MongoServerError(
          50865,
          "Location50865",
          "Do not specify both 'resumeAfter' and 'startAfter' in a $changeStream stage");
    }
    Object token = startAfter != null ? startAfter : resumeAfter;
    if (token != null && startAt != null) {
      throw new MongoServerError(
          40674,
          "Location40674",
          "Only one type of resume option is allowed, but multiple were found");
    }
    if (token != null) {
      ResumeTokens parsed = ResumeTokens.parse(token);
      if (resumeAfter != null && parsed.fromInvalidate()) {
        throw new MongoServerError(
            260,
            "InvalidResumeToken",
            "Attempting to resume a change stream using 'resumeAfter' is not allowed from an"
                + " invalidate notification");
      }
      return new Start(parsed.timestamp(), parsed.timestamp());
    }
    if (startAt instanceof BsonTimestamp time) {
      // Inclusive of events at the start time: the position is the last time passed.
      return new Start(time.getValue() == 0 ? 0 : time.getValue() - 1, time.getValue());
    }
    // "One tick beyond the most recent operation" (getStartTimeForNewStream).
    return new Start(currentTime, currentTime + 1);
  }

  /** MongoDB's name of a value's BSON type ({@code typeName}, src/mongo/bson/bsontypes.cpp). */
  private static String typeName(Object value) {
    if (value == null) {
      return "null";
    }
    return switch (value.getClass().getSimpleName()) {
      case "Integer" -> "int";
      case "Long" -> "long";
      case "Double" -> "double";
      case "String" -> "string";
      case "Boolean" -> "bool";
      case "Document" -> "object";
      case "BsonTimestamp" -> "timestamp";
      case "Instant", "Date" -> "date";
      case "ObjectId" -> "objectId";
      case "BinData", "UUID", "LegacyUUID" -> "binData";
      case "Decimal128" -> "decimal";
      default -> value instanceof List<?> ? "array" : value.getClass().getSimpleName();
    };
  }

  private static MongoServerError notServed(String what) {
    return new MongoServerError(
        238,
        "NotImplemented",
        "the stand-in does not serve "
            + what
            + " (MongoDB does); it refuses rather than answer"
            + " differently");
  }
}
