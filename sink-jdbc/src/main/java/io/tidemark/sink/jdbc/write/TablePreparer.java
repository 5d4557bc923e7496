package io.tidemark.sink.jdbc.write;

import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.spi.ChangeSink.Target;
import io.tidemark.sink.jdbc.schema.TargetTables;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a table for writing: creates it (and its child tables) when absent or checks an existing
 * one fits the mapping, reads the columns it has evolved, builds its statements, and says what it
 * found that an operator should know.
 */
final class TablePreparer {
  private static final Logger LOG = LoggerFactory.getLogger(TablePreparer.class);

  private final SinkContext sink;

  TablePreparer(SinkContext sink) {
    this.sink = sink;
  }

  /** What {@link #prepare} reads in its transaction. */
  private record Found(TargetTables.Prepared prepared, List<EvolvedColumn> evolved) {
    Found {
      evolved = List.copyOf(evolved);
    }
  }

  /** Prepares the target's table in one DDL transaction and registers its statements. */
  TableStatements prepare(TableMapping mapping, Target target) {
    TableMapping table = target == Target.SHADOW ? mapping.asShadow() : mapping;
    String key = PreparedTables.key(mapping.collection(), target);
    String described = sink.dialect().qualify(sink.schema(), table.table());
    Found found =
        sink.transactions()
            .runDdl(
                c -> {
                  // Several writers may prepare the same new tables at once (the tasks of a Kafka
                  // Connect sink): one at a time per schema, each finding what the last created.
                  try (PreparedStatement lock =
                      c.prepareStatement(sink.dialect().lockNameForTransaction())) {
                    lock.setString(1, "tidemark: define tables in schema " + sink.schema());
                    lock.execute();
                  }
                  return new Found(
                      sink.targetTables().prepare(c, table),
                      sink.meta().readEvolvedColumns(c, key));
                },
                () ->
                    "prepare table "
                        + described
                        + " for collection '"
                        + mapping.collection()
                        + "'");
    TargetTables.Prepared prepared = found.prepared();
    List<EvolvedColumn> evolved = stillPresent(mapping, found, described);
    TableStatements statements =
        TableStatements.of(sink.dialect(), sink.schema(), table, evolved, prepared.columns());
    sink.tables().put(key, statements);
    report(mapping, target, prepared, statements);
    return statements;
  }

  /** The evolved columns the table still has; one dropped by hand comes back when needed. */
  private List<EvolvedColumn> stillPresent(TableMapping mapping, Found found, String described) {
    List<EvolvedColumn> evolved = new ArrayList<>();
    for (EvolvedColumn column : found.evolved()) {
      if (found.prepared().columns().contains(column.column())) {
        evolved.add(column);
      } else {
        LOG.warn(
            "evolved column {} of field {} is gone from table {}; it is added"
                + " again when the field next appears",
            column.column(),
            column.field(),
            described);
      }
    }
    if (!evolved.isEmpty() && !mapping.evolvesColumns()) {
      LOG.warn(
          "table {} has evolved columns {} but schema.evolve is not"
              + " addColumns: documents written from now on leave them NULL. Drop them, or set"
              + " schema: {{ evolve: addColumns }} again.",
          described,
          evolved.stream().map(EvolvedColumn::column).toList());
    }
    return evolved;
  }

  private void report(
      TableMapping mapping,
      Target target,
      TargetTables.Prepared prepared,
      TableStatements statements) {
    if (prepared.table() == TargetTables.Outcome.CREATED) {
      LOG.info("created table {}", statements.table());
    }
    if (prepared.createdChildTables().isEmpty()) {
      return;
    }
    LOG.info("created child tables {}", prepared.createdChildTables());
    if (prepared.table() == TargetTables.Outcome.CHECKED && target == Target.LIVE) {
      // Rows copied before the child table existed have no child rows until they change.
      LOG.warn(
          "child tables {} are new but table {} existed: they hold only"
              + " documents written from now on. Run `tidemark resnapshot {}` to fill them for"
              + " every document.",
          prepared.createdChildTables(),
          statements.table(),
          mapping.collection());
    }
  }
}
