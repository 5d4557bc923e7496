package io.tidemark.harness.standin;

import de.bwaldvogel.mongo.bson.Document;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds a change event's {@code updateDescription} by comparing a document before and after an
 * update.
 *
 * <p>The fields are MongoDB's ({@code updatedFields}, {@code removedFields}, {@code
 * truncatedArrays}: manual {@code reference/change-events/update}). MongoDB derives them from the
 * update operators, so its paths can differ from ours: where a client {@code $set}s a whole
 * sub-document, MongoDB reports that field while we report the sub-fields that changed ({@code
 * "a.b"}); arrays are reported whole, never truncated. Both describe the same change: applying
 * either to the old document gives the new one.
 */
final class UpdateDescriptions {

  private UpdateDescriptions() {}

  /** {@code {updatedFields, removedFields, truncatedArrays}}; values are copies. */
  static Document between(Document before, Document after) {
    Document updatedFields = new Document();
    List<String> removedFields = new ArrayList<>();
    compare("", before, after, updatedFields, removedFields);
    return new Document("updatedFields", updatedFields)
        .append("removedFields", removedFields)
        .append("truncatedArrays", List.of());
  }

  private static void compare(
      String prefix,
      Document before,
      Document after,
      Document updatedFields,
      List<String> removedFields) {
    for (String key : before.keySet()) {
      if (!after.containsKey(key)) {
        removedFields.add(prefix + key);
      }
    }
    for (Map.Entry<String, Object> field : after.entrySet()) {
      String path = prefix + field.getKey();
      Object newValue = field.getValue();
      if (!before.containsKey(field.getKey())) {
        updatedFields.put(path, copy(newValue));
      } else if (before.get(field.getKey()) instanceof Document oldSub
          && newValue instanceof Document newSub) {
        compare(path + ".", oldSub, newSub, updatedFields, removedFields);
      } else if (!Objects.equals(before.get(field.getKey()), newValue)) {
        updatedFields.put(path, copy(newValue));
      }
    }
  }

  // The new document stays live in the collection; the oplog needs a value that cannot change.
  private static Object copy(Object value) {
    return new Document("value", value).cloneDeeply().get("value");
  }
}
