package io.tidemark.app.validate;

import io.tidemark.core.config.TidemarkConfig;
import io.tidemark.core.event.SourceDocument;
import io.tidemark.core.mapping.ColumnMapping;
import io.tidemark.core.mapping.RowMapper;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.mapping.ValueRejectedException;
import io.tidemark.sink.jdbc.dialect.SqlDialect;
import io.tidemark.sink.jdbc.write.JdbcChangeSink;
import io.tidemark.source.mongo.MongoChangeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a configuration against live documents: samples each collection and maps every sampled
 * document with the mapping's own {@link RowMapper}, so what it reports is exactly what the
 * pipeline would refuse. Reads MongoDB only; connects to no database of the sink.
 */
public final class MappingSampler {
  /** Refusals quoted per collection. */
  static final int EXAMPLES = 5;

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private MappingSampler() {}

  /**
   * Samples up to {@code size} documents of every configured collection.
   *
   * @throws io.tidemark.core.error.TidemarkException when MongoDB cannot be reached, or a
   *     configured collection does not exist (naming it)
   */
  public static List<MappingSample> sample(TidemarkConfig config, int size) {
    SqlDialect dialect = JdbcChangeSink.dialectFor(config.sink().jdbcUrl());
    List<MappingSample> samples = new ArrayList<>();
    try (MongoChangeSource source = MongoChangeSource.open(config.source(), CONNECT_TIMEOUT)) {
      source.checkCollectionsExist(
          config.collections().stream().map(TableMapping::collection).toList());
      for (TableMapping mapping : config.collections()) {
        samples.add(
            check(
                mapping,
                String.join(";\n  ", dialect.createTables(config.sink().schema(), mapping)),
                source.sample(mapping.collection(), size)));
      }
    }
    return samples;
  }

  /** Maps each document as the pipeline would, counting per column what fits and what does not. */
  static MappingSample check(
      TableMapping mapping, String ddl, List<? extends SourceDocument> documents) {
    RowMapper mapper = new RowMapper(mapping);
    List<ColumnMapping> columns = mapping.columns();
    int[] fit = new int[columns.size()];
    int[] empty = new int[columns.size()];
    int[] refused = new int[columns.size()];
    int refusedDocuments = 0;
    List<String> examples = new ArrayList<>();
    for (SourceDocument document : documents) {
      String key = document.key().text();
      try {
        mapper.map(document);
      } catch (ValueRejectedException e) {
        refusedDocuments++;
        if (examples.size() < EXAMPLES) {
          examples.add(e.describe(mapping.collection(), key));
        }
      }
      for (int i = 0; i < columns.size(); i++) {
        try {
          if (mapper.column(document, i) == null) {
            empty[i]++;
          } else {
            fit[i]++;
          }
        } catch (ValueRejectedException e) {
          refused[i]++;
        }
      }
    }
    List<MappingSample.ColumnMisfit> misfits = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      if (refused[i] > 0) {
        ColumnMapping c = columns.get(i);
        misfits.add(
            new MappingSample.ColumnMisfit(
                c.field().toString(), c.column(), c.type().ddl(), fit[i], empty[i], refused[i]));
      }
    }
    return new MappingSample(
        mapping.collection(),
        ddl,
        mapping.onError(),
        documents.size(),
        refusedDocuments,
        misfits,
        examples);
  }
}
