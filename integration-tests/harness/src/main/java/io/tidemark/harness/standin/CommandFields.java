package io.tidemark.harness.standin;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The fields MongoDB accepts in the commands Tidemark sends, from their IDL definitions ({@code
 * strict: true}: an unknown field is refused): {@code src/mongo/db/query/find_command.idl}, {@code
 * src/mongo/db/pipeline/aggregate_command.idl}, {@code src/mongo/db/query/getmore_command.idl},
 * {@code src/mongo/db/query/count_command.idl}, {@code src/mongo/db/list_collections.idl}, {@code
 * src/mongo/db/query/kill_cursors.idl}, and the arguments every command takes ({@code
 * src/mongo/idl/generic_argument.idl}). The stock stand-in ignores every field it does not know.
 *
 * <ul>
 *   <li>A field MongoDB does not know is refused as its IDL parser refuses it: 40415 "BSON field
 *       'find.x' is an unknown field." ({@code IDLParserContext::throwUnknownField}, {@code
 *       src/mongo/idl/idl_parser.cpp}).
 *   <li>A field MongoDB knows but the stand-in does not honour (a collation, {@code let}, a hint to
 *       an index other than {@code _id}, transactions, internal fields) is refused with
 *       NotImplemented (238) rather than ignored, which would answer differently from MongoDB.
 * </ul>
 */
final class CommandFields {
  private static final int UNKNOWN_FIELD = 40415;
  private static final int NOT_IMPLEMENTED = 238;

  /** Generic arguments the stand-in honours or may ignore without changing the answer. */
  private static final Set<String> GENERIC_SERVED =
      Set.of(
          "$db",
          "lsid",
          "$clusterTime",
          "$readPreference",
          "readConcern",
          "maxTimeMS",
          "comment",
          "writeConcern");

  /** The other generic arguments of generic_argument.idl. */
  private static final Set<String> GENERIC_NOT_SERVED =
      Set.of(
          "apiVersion",
          "apiStrict",
          "apiDeprecationErrors",
          "clientOperationKey",
          "txnNumber",
          "autocommit",
          "startTransaction",
          "stmtId",
          "$audit",
          "$client",
          "$configServerState",
          "allowImplicitCollectionCreation",
          "$oplogQueryData",
          "$queryOptions",
          "$replData",
          "databaseVersion",
          "shardVersion",
          "tracking_info",
          "coordinator",
          "maxTimeMSOpOnly",
          "$configTime",
          "$topologyTime",
          "txnRetryCounter",
          "mayBypassWriteBlocking",
          "$tenant",
          "expectPrefix");

  /** Per command: the fields it honours, and the other fields its IDL defines. */
  private record Fields(Set<String> served, Set<String> notServed) {}

  private static final Map<String, Fields> COMMANDS =
      Map.of(
          "find",
          new Fields(
              Set.of(
                  "filter",
                  "projection",
                  "sort",
                  "hint",
                  "skip",
                  "limit",
                  "batchSize",
                  "singleBatch",
                  "allowDiskUse",
                  "noCursorTimeout",
                  "allowPartialResults"),
              Set.of(
                  "collation",
                  "ntoreturn",
                  "min",
                  "max",
                  "returnKey",
                  "showRecordId",
                  "tailable",
                  "oplogReplay",
                  "awaitData",
                  "let",
                  "options",
                  "term",
                  "readOnce",
                  "allowSpeculativeMajorityRead",
                  "$_requestResumeToken",
                  "$_resumeAfter",
                  "runtimeConstants",
                  "collectionUUID",
                  "encryptionInformation")),
          "aggregate",
          new Fields(
              Set.of("pipeline", "cursor", "allowDiskUse", "bypassDocumentValidation"),
              Set.of(
                  "explain",
                  "collation",
                  "hint",
                  "let",
                  "needsMerge",
                  "fromMongos",
                  "$_requestReshardingResumeToken",
                  "exchange",
                  "runtimeConstants",
                  "isMapReduceCommand",
                  "collectionUUID",
                  "$_passthroughToShard",
                  "encryptionInformation",
                  "$_externalDataSources",
                  "sampleId",
                  "$_isClusterQueryWithoutShardKeyCmd",
                  "$_requestResumeToken",
                  "$_resumeAfter")),
          "getmore",
          new Fields(Set.of("collection", "batchSize"), Set.of("term", "lastKnownCommittedOpTime")),
          "count",
          new Fields(
              Set.of("query", "limit", "skip", "fields"),
              Set.of("hint", "collation", "encryptionInformation")),
          "listcollections",
          new Fields(
              Set.of("cursor", "filter", "nameOnly", "authorizedCollections"),
              Set.of("includePendingDrops")),
          "killcursors",
          new Fields(Set.of("cursors"), Set.of()));

  private CommandFields() {}

  /** Refuses a field of one of these commands that MongoDB or the stand-in would not accept. */
  static void check(String command, Document query) {
    Fields fields = COMMANDS.get(command.toLowerCase(Locale.ROOT));
    if (fields == null) {
      return;
    }
    boolean first = true;
    for (Map.Entry<String, Object> entry : query.entrySet()) {
      String field = entry.getKey();
      if (first) {
        first = false; // the command name itself
        continue;
      }
      if (fields.served().contains(field) || GENERIC_SERVED.contains(field)) {
        if (field.equals("hint")) {
          checkHint(command, entry.getValue());
        }
        continue;
      }
      if (fields.notServed().contains(field) || GENERIC_NOT_SERVED.contains(field)) {
        throw new MongoServerError(
            NOT_IMPLEMENTED,
            "NotImplemented",
            "the stand-in does not serve '"
                + field
                + "' in "
                + command
                + " (MongoDB accepts it); it refuses rather than answer differently");
      }
      throw new MongoServerError(
          UNKNOWN_FIELD,
          "Location" + UNKNOWN_FIELD,
          "BSON field '" + command + "." + field + "' is an unknown field.");
    }
  }

  /**
   * The stand-in has no query planner: a hint to the {@code _id} index (which every collection has)
   * cannot change the answer; any other hint could name an index that does not exist, which MongoDB
   * refuses, so it is refused here.
   */
  private static void checkHint(String command, Object hint) {
    boolean idIndex =
        "_id_".equals(hint)
            || hint instanceof Document spec
                && spec.size() == 1
                && spec.get("_id") instanceof Number direction
                && Math.abs(direction.doubleValue()) == 1;
    if (!idIndex) {
      throw new MongoServerError(
          NOT_IMPLEMENTED,
          "NotImplemented",
          "the stand-in serves hints to the _id index only, not " + hint + " in " + command);
    }
  }
}
