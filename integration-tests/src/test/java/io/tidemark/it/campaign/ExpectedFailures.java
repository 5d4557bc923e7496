package io.tidemark.it.campaign;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The collections the schedule made fail on purpose (oplog truncated past a paused collection's
 * position with {@code onHistoryLost: fail}), and the message each must then show: the one
 * docs/operations.md documents under "Collection FAILED: history lost". Any other FAILED is a
 * finding. Thread-safe.
 */
final class ExpectedFailures {
  private final Map<String, Pattern> expected = new ConcurrentHashMap<>();

  /** The documented message of a collection whose position fell out of the oplog. */
  static Pattern historyLostMessage(String collection) {
    return Pattern.compile(
        Pattern.quote(collection)
            + ": (opening|reading) the change stream.* failed: the stream's position has"
            + " fallen out of the source's oplog \\(MongoDB error 286, ChangeStreamHistoryLost\\).*"
            + Pattern.quote("'tidemark resnapshot " + collection + "'")
            + ".*",
        Pattern.DOTALL);
  }

  void expectHistoryLost(String collection) {
    expected.put(collection, historyLostMessage(collection));
  }

  void clear(String collection) {
    expected.remove(collection);
  }

  boolean isExpected(String collection) {
    return expected.containsKey(collection);
  }

  boolean any() {
    return !expected.isEmpty();
  }

  /** Whether {@code collection} may be FAILED with {@code lastError} now. */
  boolean allows(String collection, String lastError) {
    Pattern p = expected.get(collection);
    return p != null && lastError != null && p.matcher(lastError).matches();
  }
}
