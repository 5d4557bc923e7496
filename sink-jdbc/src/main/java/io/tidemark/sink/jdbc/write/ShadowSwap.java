package io.tidemark.sink.jdbc.write;

import io.tidemark.core.mapping.ChildTable;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.spi.ChangeSink.Target;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of a rebuild: swaps the shadow tables in for the live ones, or drops them, each in one
 * transaction together with the metadata that goes with them.
 */
final class ShadowSwap {
  private static final Logger LOG = LoggerFactory.getLogger(ShadowSwap.class);

  private final SinkContext sink;

  ShadowSwap(SinkContext sink) {
    this.sink = sink;
  }

  /**
   * Renames the shadow tables over the live ones and moves the shadow's progress, position, evolved
   * columns and dead letters to the live key. The rebuilt table keeps the columns it evolved while
   * it was filled.
   */
  void swap(TableMapping mapping) {
    String collection = mapping.collection();
    String shadowKey = PreparedTables.key(collection, Target.SHADOW);
    sink.transactions()
        .runDdl(
            c -> {
              sink.fence(c);
              lockForSwap(c, mapping);
              rename(c, mapping.table(), mapping.shadowTable());
              List<ChildTable> liveChildren = mapping.childTables();
              List<ChildTable> shadowChildren = mapping.asShadow().childTables();
              for (int i = 0; i < liveChildren.size(); i++) {
                rename(c, liveChildren.get(i).table(), shadowChildren.get(i).table());
              }
              sink.meta().deleteProgress(c, collection);
              sink.meta().moveRows(c, shadowKey, collection);
              return null;
            },
            () ->
                "swap the rebuilt table "
                    + mapping.shadowTable()
                    + " in for "
                    + mapping.table()
                    + " of collection '"
                    + collection
                    + "'");
    TableStatements rebuilt = sink.tables().remove(shadowKey);
    sink.tables()
        .put(
            collection,
            rebuilt == null
                ? TableStatements.of(sink.dialect(), sink.schema(), mapping)
                : rebuilt.forMapping(sink.dialect(), sink.schema(), mapping));
    LOG.info("swapped the rebuilt table in as {}", mapping.table());
  }

  /** Drops the shadow tables and forgets the shadow's progress. */
  void discard(TableMapping mapping) {
    String collection = mapping.collection();
    String shadowKey = PreparedTables.key(collection, Target.SHADOW);
    sink.transactions()
        .runDdl(
            c -> {
              sink.fence(c);
              SinkContext.execute(
                  c, sink.dialect().dropTableIfExists(sink.schema(), mapping.shadowTable()));
              for (ChildTable child : mapping.asShadow().childTables()) {
                SinkContext.execute(
                    c, sink.dialect().dropTableIfExists(sink.schema(), child.table()));
              }
              sink.meta().deleteProgress(c, shadowKey);
              return null;
            },
            () ->
                "discard the rebuild table "
                    + mapping.shadowTable()
                    + " of collection '"
                    + collection
                    + "'");
    sink.tables().remove(shadowKey);
  }

  private void rename(Connection c, String live, String shadow) throws SQLException {
    for (String sql : sink.dialect().swapTables(sink.schema(), live, shadow)) {
      SinkContext.execute(c, sql);
    }
  }

  /**
   * Takes every lock the swap needs in one statement, in one fixed order: the live table, its
   * children, then the shadow's. Dropping and renaming one table after another would take them as
   * it goes, parent first then each child, and deadlock with a reader that holds a child and then
   * reads the parent. Live tables come first in parent-to-child order, the order of a reader's
   * {@code FROM parent JOIN child}, so such a reader never deadlocks with the swap; one that takes
   * them the other way round meets the lock timeout and the swap tries again.
   */
  private void lockForSwap(Connection c, TableMapping mapping) throws SQLException {
    List<String> wanted = new ArrayList<>();
    wanted.add(mapping.table());
    mapping.childTables().forEach(child -> wanted.add(child.table()));
    TableMapping shadow = mapping.asShadow();
    wanted.add(shadow.table());
    shadow.childTables().forEach(child -> wanted.add(child.table()));
    Set<String> existing = new HashSet<>();
    try (PreparedStatement ps = c.prepareStatement(sink.dialect().selectExistingTables())) {
      ps.setString(1, sink.schema());
      sink.dialect().bindTextArray(ps, 2, wanted.toArray(String[]::new));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          existing.add(rs.getString(1));
        }
      }
    }
    wanted.retainAll(existing);
    if (!wanted.isEmpty()) {
      SinkContext.execute(c, sink.dialect().lockTablesExclusively(sink.schema(), wanted));
    }
  }
}
