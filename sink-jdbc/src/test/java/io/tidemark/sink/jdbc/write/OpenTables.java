package io.tidemark.sink.jdbc.write;

import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.spi.ChangeSink;
import io.tidemark.core.spi.ChangeSink.Target;
import io.tidemark.core.spi.TableSink;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The table handles each test's sink has opened, so that a test opens a table once and then names
 * it by collection and target: the last handle opened for them on that sink instance.
 */
final class OpenTables {
  private static final Map<ChangeSink, Map<String, TableSink>> OPENED = new IdentityHashMap<>();

  private OpenTables() {}

  /** Opens the table on {@code sink} and remembers the handle. */
  static synchronized TableSink open(ChangeSink sink, TableMapping mapping, Target target) {
    TableSink table = sink.open(mapping, target);
    OPENED
        .computeIfAbsent(sink, s -> new HashMap<>())
        .put(key(mapping.collection(), target), table);
    return table;
  }

  /** The handle last opened on {@code sink} for the collection's target. */
  static synchronized TableSink on(ChangeSink sink, String collection, Target target) {
    TableSink table = OPENED.getOrDefault(sink, Map.of()).get(key(collection, target));
    if (table == null) {
      throw new AssertionError(
          "the test never opened " + target + " table of '" + collection + "' on this sink");
    }
    return table;
  }

  private static String key(String collection, Target target) {
    return target + " " + collection;
  }
}
