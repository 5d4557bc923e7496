package io.tidemark.core.pipeline;

import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.event.SourceDocument;
import io.tidemark.core.mapping.OnError;
import io.tidemark.core.mapping.RowMapper;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.mapping.ValueEncoding;
import io.tidemark.core.mapping.ValueRejectedException;
import io.tidemark.core.spi.RowChange;

/**
 * Turns a document into the row change the sink applies, following the collection's {@code
 * onError}: a value that does not fit either stops the collection or becomes a dead letter. The
 * daemon's pipeline and the Kafka Connect sink both map with it.
 */
public final class RowChanges {
  private final RowMapper mapper;
  private final TableMapping mapping;

  /**
   * @param encoding the sink's ({@link io.tidemark.core.spi.ChangeSink#valueEncoding()})
   */
  public RowChanges(TableMapping mapping, ValueEncoding encoding) {
    this.mapping = mapping;
    this.mapper = new RowMapper(mapping, encoding);
  }

  public RowChange upsert(SourceDocument document) {
    try {
      return new RowChange.Upsert(mapper.map(document));
    } catch (ValueRejectedException e) {
      String described = e.describe(mapping.collection(), document.key().text());
      if (mapping.onError() == OnError.DEADLETTER) {
        return new RowChange.DeadLetter(document.key(), document.toJson(), described);
      }
      throw new TidemarkException(
          ErrorCode.MAPPING_FAILED,
          described
              + ". To keep going and park such documents in the dead-letter table, set onError:"
              + " deadletter for collection "
              + mapping.collection()
              + ".");
    }
  }
}
