package io.tidemark.core.mapping;

import io.tidemark.core.event.DocumentKey;

/**
 * A document converted to its table row: one text input value per {@link
 * TableMapping#tableColumns()} entry (null = SQL NULL).
 */
public record MappedRow(DocumentKey key, String[] values) {}
