package io.tidemark.core.event;

import io.tidemark.core.value.FieldPath;

/**
 * A document read from the source, in a form core can map without knowing the source's types.
 * Implementations convert lazily: only the fields a mapping asks for are converted.
 *
 * <p>Instances are immutable and may be handed from the reader thread to the writer thread.
 */
public interface SourceDocument extends DocumentFields {
  /** The document's identity. */
  DocumentKey key();

  /** The names of the document's top-level fields, {@code _id} included, in document order. */
  java.util.List<String> fieldNames();

  /** The whole document as JSON for a {@code jsonb} column (MongoDB relaxed Extended JSON). */
  String toJson();

  /**
   * The text of {@link #toJson()} as a row's cell: a {@link io.tidemark.core.value.Utf8Text} when
   * the source writes the JSON as UTF-8 bytes, so that a sink sending bytes (COPY) never decodes
   * it; by default the {@code String} itself.
   */
  default CharSequence toJsonCell() {
    return toJson();
  }

  /**
   * The document without {@code _id} and without the given fields, as JSON: what a mapping's {@code
   * extraColumn} holds. A sub-document left empty by the removal is dropped too.
   */
  String toJsonWithout(java.util.List<FieldPath> mappedFields);

  /** Approximate size in bytes, used to bound queues and batches. */
  int sizeInBytes();
}
