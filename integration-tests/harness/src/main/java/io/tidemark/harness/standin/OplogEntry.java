package io.tidemark.harness.standin;

import de.bwaldvogel.mongo.bson.Document;
import java.time.Instant;

/**
 * One write as the stand-in's oplog remembers it: enough to render the change event MongoDB would
 * emit for it, and nothing that changes after the write (documents are copies taken under the
 * collection's lock).
 *
 * @param timestamp the BSON timestamp as its 64-bit value (seconds in the high half, increment in
 *     the low half); unique and increasing, so it doubles as the resume token
 * @param document the inserted document or the replacement; null for other operations
 * @param database the empty string for a no-op, which belongs to no namespace
 * @param collection null for a dropped database and a no-op
 * @param updateDescription {@code {updatedFields, removedFields, truncatedArrays}} for updates
 * @param targetNamespace {@code db.collection} a rename moved the collection to; null otherwise
 */
record OplogEntry(
    long timestamp,
    Instant wallTime,
    Operation operation,
    String database,
    String collection,
    Object documentId,
    Document document,
    Document updateDescription,
    String targetNamespace) {

  /** The kinds of write the stand-in logs, with the {@code operationType} of their event. */
  enum Operation {
    INSERT("insert"),
    UPDATE("update"),
    REPLACE("replace"),
    DELETE("delete"),
    DROP("drop"),
    RENAME("rename"),
    DROP_DATABASE("dropDatabase"),
    // A periodic no-op ({@code op: "n"}, {@link PeriodicNoopWriter}): no stream shows it.
    NOOP("noop");

    private final String eventName;

    Operation(String eventName) {
      this.eventName = eventName;
    }

    String eventName() {
      return eventName;
    }
  }
}
