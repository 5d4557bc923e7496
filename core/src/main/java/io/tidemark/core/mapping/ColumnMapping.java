package io.tidemark.core.mapping;

import io.tidemark.core.value.FieldPath;

/** One configured column: the document field it reads and the SQL type it stores. */
public record ColumnMapping(FieldPath field, String column, SqlType type) {}
