package io.tidemark.core.mapping;

import io.tidemark.core.value.FieldPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How one collection becomes one table: a text key column holding the document key, the configured
 * columns, and optionally a {@code jsonb} column with the whole document.
 *
 * @param collection source collection name
 * @param table target table name (unqualified; the sink adds its schema)
 * @param keyColumn the primary key column holding {@code _id}'s text form
 * @param columns configured columns, in table order
 * @param documentColumn the whole-document jsonb column, or null for none
 * @param extraColumn a jsonb column holding every field not mapped to a column, or null for none
 * @param onError what to do with a document that does not fit
 * @param onHistoryLost what to do when the stream position has fallen out of the oplog
 * @param primaryKey configured columns forming the table's primary key; empty when the key column
 *     is the primary key. When set, the key column stays as a unique identity of the row (upserts,
 *     deletes and verify use it) and each primary-key column must have a value
 * @param children arrays of sub-documents copied into tables of their own, written in the same
 *     transaction as the document's row
 * @param evolve whether top-level fields no column maps become columns of their own
 */
public record TableMapping(
    String collection,
    String table,
    String keyColumn,
    List<ColumnMapping> columns,
    String documentColumn,
    String extraColumn,
    OnError onError,
    OnHistoryLost onHistoryLost,
    List<String> primaryKey,
    List<ChildMapping> children,
    SchemaEvolution evolve) {

  public static final String DEFAULT_KEY_COLUMN = "_id";
  public static final String DEFAULT_DOCUMENT_COLUMN = "doc";

  public TableMapping {
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(keyColumn, "keyColumn");
    Objects.requireNonNull(onError, "onError");
    Objects.requireNonNull(onHistoryLost, "onHistoryLost");
    columns = List.copyOf(columns);
    primaryKey = primaryKey == null ? List.of() : List.copyOf(primaryKey);
    children = children == null ? List.of() : List.copyOf(children);
    evolve = evolve == null ? SchemaEvolution.NONE : evolve;
  }

  /** A mapping whose table does not evolve. */
  public TableMapping(
      String collection,
      String table,
      String keyColumn,
      List<ColumnMapping> columns,
      String documentColumn,
      String extraColumn,
      OnError onError,
      OnHistoryLost onHistoryLost,
      List<String> primaryKey,
      List<ChildMapping> children) {
    this(
        collection,
        table,
        keyColumn,
        columns,
        documentColumn,
        extraColumn,
        onError,
        onHistoryLost,
        primaryKey,
        children,
        SchemaEvolution.NONE);
  }

  /** A mapping without child tables. */
  public TableMapping(
      String collection,
      String table,
      String keyColumn,
      List<ColumnMapping> columns,
      String documentColumn,
      String extraColumn,
      OnError onError,
      OnHistoryLost onHistoryLost,
      List<String> primaryKey) {
    this(
        collection,
        table,
        keyColumn,
        columns,
        documentColumn,
        extraColumn,
        onError,
        onHistoryLost,
        primaryKey,
        List.of());
  }

  /** A mapping whose primary key is the key column. */
  public TableMapping(
      String collection,
      String table,
      String keyColumn,
      List<ColumnMapping> columns,
      String documentColumn,
      String extraColumn,
      OnError onError,
      OnHistoryLost onHistoryLost) {
    this(
        collection,
        table,
        keyColumn,
        columns,
        documentColumn,
        extraColumn,
        onError,
        onHistoryLost,
        List.of());
  }

  /** A mapping that fails loudly when history is lost. */
  public TableMapping(
      String collection,
      String table,
      String keyColumn,
      List<ColumnMapping> columns,
      String documentColumn,
      OnError onError) {
    this(collection, table, keyColumn, columns, documentColumn, null, onError, OnHistoryLost.FAIL);
  }

  /** The same mapping writing another table (a rebuild's shadow table). */
  public TableMapping withTable(String otherTable) {
    return with(otherTable, columns, children);
  }

  /**
   * The shadow tables a rebuild fills: {@link #shadowTable()} and, for each child table, its own
   * shadow ({@link #shadowTableOf}); they are swapped in together.
   */
  public TableMapping asShadow() {
    return with(shadowTable(), columns, children.stream().map(TableMapping::shadowOf).toList());
  }

  /**
   * The same mapping with more columns after the configured ones, as a table that evolved has them:
   * what the sink's statements for that table are built from.
   */
  public TableMapping withColumnsAdded(List<ColumnMapping> added) {
    List<ColumnMapping> all = new ArrayList<>(columns);
    all.addAll(added);
    return with(table, all, children);
  }

  private TableMapping with(
      String otherTable, List<ColumnMapping> otherColumns, List<ChildMapping> otherChildren) {
    return new TableMapping(
        collection,
        otherTable,
        keyColumn,
        otherColumns,
        documentColumn,
        extraColumn,
        onError,
        onHistoryLost,
        primaryKey,
        otherChildren,
        evolve);
  }

  private static ChildMapping shadowOf(ChildMapping child) {
    return new ChildMapping(
        child.field(),
        shadowTableOf(child.table()),
        child.indexColumn(),
        child.columns(),
        child.elementColumn(),
        child.children().stream().map(TableMapping::shadowOf).toList());
  }

  /** Every child table, depth first (a child before its own children), in configured order. */
  public List<ChildTable> childTables() {
    List<ChildTable> all = new ArrayList<>();
    for (ChildMapping child : children) {
      flatten(child, List.of(), List.of(), all);
    }
    return all;
  }

  private void flatten(
      ChildMapping child,
      List<FieldPath> outerArrays,
      List<String> outerIndexes,
      List<ChildTable> out) {
    List<FieldPath> arrays = new ArrayList<>(outerArrays);
    arrays.add(child.field());
    List<String> indexes = new ArrayList<>(outerIndexes);
    indexes.add(child.indexColumn());
    out.add(
        new ChildTable(
            child.table(), keyColumn, arrays, indexes, child.columns(), child.elementColumn()));
    for (ChildMapping grandchild : child.children()) {
      flatten(grandchild, arrays, indexes, out);
    }
  }

  /** True when unmapped top-level fields become columns ({@link SchemaEvolution#ADDCOLUMNS}). */
  public boolean evolvesColumns() {
    return evolve == SchemaEvolution.ADDCOLUMNS;
  }

  /**
   * The top-level fields that configured columns and child tables read, wholly or in part: those
   * never become evolved columns.
   */
  public java.util.Set<String> mappedTopLevelFields() {
    java.util.Set<String> mapped = new java.util.HashSet<>();
    mapped.add(DEFAULT_KEY_COLUMN);
    columns.forEach(c -> mapped.add(c.field().segments().get(0)));
    children.forEach(c -> mapped.add(c.field().segments().get(0)));
    return mapped;
  }

  /** True when some array of the document has a table of its own. */
  public boolean hasChildTables() {
    return !children.isEmpty();
  }

  /** True when configured columns, not the key column, form the primary key. */
  public boolean hasCompositeKey() {
    return !primaryKey.isEmpty();
  }

  /** The shadow table a rebuild copies into before it is swapped in. */
  public String shadowTable() {
    return shadowTableOf(table);
  }

  /** The name a rebuild gives the shadow of {@code table}. */
  public static String shadowTableOf(String table) {
    return table + "__tidemark_rebuild";
  }

  /** The default mapping: {@code _id} as key plus the whole document as jsonb. */
  public static TableMapping defaultFor(String collection, String table) {
    return new TableMapping(
        collection, table, DEFAULT_KEY_COLUMN, List.of(), DEFAULT_DOCUMENT_COLUMN, OnError.FAIL);
  }

  /** Every column of the table in order: key, configured columns, extra column, document column. */
  public List<TableColumn> tableColumns() {
    List<TableColumn> all = new ArrayList<>();
    all.add(new TableColumn(keyColumn, SqlType.TEXT));
    for (ColumnMapping c : columns) {
      all.add(new TableColumn(c.column(), c.type()));
    }
    if (extraColumn != null) {
      all.add(new TableColumn(extraColumn, SqlType.JSONB));
    }
    if (documentColumn != null) {
      all.add(new TableColumn(documentColumn, SqlType.JSONB));
    }
    return all;
  }

  /** A column of the target table. */
  public record TableColumn(String name, SqlType type) {}
}
