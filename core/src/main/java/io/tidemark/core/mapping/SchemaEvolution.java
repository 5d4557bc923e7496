package io.tidemark.core.mapping;

/** What happens to a top-level field that no configured column maps. */
public enum SchemaEvolution {
  /** Nothing: the field stays in the document and extra columns only. */
  NONE,
  /**
   * The field becomes a nullable column of the type its first value suggests, widened to jsonb when
   * a later value does not fit; the ALTER TABLE commits with the rows that need it.
   */
  ADDCOLUMNS
}
