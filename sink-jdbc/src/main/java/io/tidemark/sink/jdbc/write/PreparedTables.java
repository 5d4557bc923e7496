package io.tidemark.sink.jdbc.write;

import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.spi.ChangeSink.Target;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The statements of every table a sink has opened, by metadata key, and per key the lock that lets
 * a schema change run alone. Every handle of a table ({@link JdbcTableSink}) looks its statements
 * up here at each write, so a column one handle added is known to all of them.
 */
final class PreparedTables {
  private final String pipeline;
  private final ConcurrentMap<String, TableStatements> statements = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, ReadWriteLock> evolutionLocks = new ConcurrentHashMap<>();

  PreparedTables(String pipeline) {
    this.pipeline = pipeline;
  }

  /**
   * The metadata key of a collection's target. A shadow's rows live beside the live ones under a
   * key no collection can have ({@code $} is not allowed in MongoDB collection names).
   */
  static String key(String collection, Target target) {
    return target == Target.SHADOW ? collection + "$rebuild" : collection;
  }

  void put(String key, TableStatements table) {
    statements.put(key, table);
  }

  /** The table's current statements; fails when the table was dropped or swapped since. */
  TableStatements get(String key) {
    TableStatements table = statements.get(key);
    if (table == null) {
      throw new TidemarkException(
          ErrorCode.INTERNAL,
          "The table of '"
              + key
              + "' in pipeline '"
              + pipeline
              + "' is no longer open: it was swapped in or discarded. Open it again (open"
              + " tables: "
              + statements.keySet()
              + ").");
    }
    return table;
  }

  TableStatements remove(String key) {
    return statements.remove(key);
  }

  /** Writers of the table share it; a batch that changes the table's columns holds it alone. */
  ReadWriteLock evolutionLock(String key) {
    return evolutionLocks.computeIfAbsent(key, k -> new ReentrantReadWriteLock());
  }
}
