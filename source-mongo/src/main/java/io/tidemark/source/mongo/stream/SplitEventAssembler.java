package io.tidemark.source.mongo.stream;

import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.SplitEvent;
import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.bson.RawBsonDocument;

/**
 * Puts back together a change event that {@code $changeStreamSplitLargeEvent} cut into fragments
 * because it was over 16 MB. Each fragment carries some of the event's top-level fields and its own
 * resume token; the whole event takes every field from the fragment that has it and the last
 * fragment's token, so the checkpoint can only move past the event once all of it was read.
 *
 * <p>Not thread-safe: one per change cursor.
 */
final class SplitEventAssembler {
  private final String collection;
  private final List<ChangeStreamDocument<RawBsonDocument>> fragments = new ArrayList<>();

  SplitEventAssembler(String collection) {
    this.collection = collection;
  }

  /**
   * Takes the next change read from the stream. Returns it unchanged when it is a whole event, null
   * while fragments of a split event are still missing, and the reassembled event with its last
   * fragment.
   *
   * @throws TidemarkException when fragments arrive out of order (the stream was resumed in the
   *     middle of a split event, or a fragment is missing)
   */
  ChangeStreamDocument<RawBsonDocument> add(ChangeStreamDocument<RawBsonDocument> change) {
    SplitEvent split = change.getSplitEvent();
    if (split == null) {
      if (!fragments.isEmpty()) {
        throw outOfOrder("a whole event arrived after fragment " + fragments.size());
      }
      return change;
    }
    if (split.getFragment() != fragments.size() + 1) {
      throw outOfOrder(
          "fragment "
              + split.getFragment()
              + " of "
              + split.getOf()
              + " arrived after "
              + fragments.size()
              + " fragment(s)");
    }
    fragments.add(change);
    if (split.getFragment() < split.getOf()) {
      return null;
    }
    ChangeStreamDocument<RawBsonDocument> whole = merge(fragments);
    fragments.clear();
    return whole;
  }

  /** True while some fragments of a split event were read and the rest were not. */
  boolean inProgress() {
    return !fragments.isEmpty();
  }

  private static ChangeStreamDocument<RawBsonDocument> merge(
      List<ChangeStreamDocument<RawBsonDocument>> parts) {
    ChangeStreamDocument<RawBsonDocument> last = parts.get(parts.size() - 1);
    return new ChangeStreamDocument<>(
        first(parts, ChangeStreamDocument::getOperationTypeString),
        last.getResumeToken(),
        first(parts, ChangeStreamDocument::getNamespaceDocument),
        first(parts, ChangeStreamDocument::getNamespaceTypeString),
        first(parts, ChangeStreamDocument::getDestinationNamespaceDocument),
        first(parts, ChangeStreamDocument::getFullDocument),
        first(parts, ChangeStreamDocument::getFullDocumentBeforeChange),
        first(parts, ChangeStreamDocument::getDocumentKey),
        first(parts, ChangeStreamDocument::getClusterTime),
        first(parts, ChangeStreamDocument::getUpdateDescription),
        first(parts, ChangeStreamDocument::getTxnNumber),
        first(parts, ChangeStreamDocument::getLsid),
        first(parts, ChangeStreamDocument::getWallTime),
        null,
        first(parts, ChangeStreamDocument::getExtraElements));
  }

  /** The field from the first fragment that has it. */
  private static <T> T first(
      List<ChangeStreamDocument<RawBsonDocument>> parts,
      Function<ChangeStreamDocument<RawBsonDocument>, T> field) {
    for (ChangeStreamDocument<RawBsonDocument> part : parts) {
      T value = field.apply(part);
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  private TidemarkException outOfOrder(String what) {
    fragments.clear();
    return new TidemarkException(
        ErrorCode.SOURCE_FAILED,
        collection
            + ": a change event over 16 MB came in fragments out of order ("
            + what
            + "), so it cannot be put back together. This happens when a stream resumes inside a"
            + " split event; Tidemark only saves positions after a whole event, so report it with"
            + " the log. Rebuild with 'tidemark resnapshot "
            + collection
            + "' to continue.");
  }
}
