package io.tidemark.app.validate;

import io.tidemark.core.config.TidemarkConfig;
import io.tidemark.core.event.SourceDocument;
import io.tidemark.core.mapping.ColumnMapping;
import io.tidemark.core.mapping.EvolvedTypes;
import io.tidemark.core.mapping.MappedRow;
import io.tidemark.core.mapping.RowMapper;
import io.tidemark.core.mapping.SqlType;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.mapping.ValueEncoding;
import io.tidemark.core.mapping.ValueRejectedException;
import io.tidemark.sink.jdbc.dialect.SqlDialect;
import io.tidemark.sink.jdbc.write.JdbcChangeSink;
import io.tidemark.source.mongo.MongoChangeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Checks a configuration against live documents: samples each collection and maps every sampled
 * document with the mapping's own {@link RowMapper}, so what it reports is exactly what the
 * pipeline would refuse. Reads MongoDB only; connects to no database of the sink.
 */
public final class MappingSampler {
  /** Refusals quoted per collection. */
  static final int EXAMPLES = 5;

  private MappingSampler() {}

  /**
   * What sampling found.
   *
   * @param samples one per configured collection that exists, in configuration order
   * @param missing the configured collections that do not exist in the database (yet)
   * @param existing the database's collections, sorted, to spot a misspelt name
   */
  public record Result(List<MappingSample> samples, List<String> missing, List<String> existing) {
    public Result {
      samples = List.copyOf(samples);
      missing = List.copyOf(missing);
      existing = List.copyOf(existing);
    }
  }

  /**
   * Samples up to {@code size} documents of every configured collection that exists. One that does
   * not is listed instead: the daemon waits for it, since MongoDB creates a collection on its first
   * insert.
   *
   * @throws io.tidemark.core.error.TidemarkException when MongoDB cannot be reached
   */
  public static Result sample(TidemarkConfig config, int size) {
    SqlDialect dialect = JdbcChangeSink.dialectFor(config.sink().jdbcUrl());
    List<MappingSample> samples = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    try (MongoChangeSource source = MongoChangeSource.open(config.source())) {
      Set<String> existing = source.collectionNames();
      for (TableMapping mapping : config.collections()) {
        if (!existing.contains(mapping.collection())) {
          missing.add(mapping.collection());
          continue;
        }
        samples.add(
            check(
                mapping,
                String.join(";\n  ", dialect.createTables(config.sink().schema(), mapping)),
                source.sample(mapping.collection(), size),
                dialect.valueEncoding()));
      }
      return new Result(samples, missing, List.copyOf(existing));
    }
  }

  /**
   * Maps each document as the pipeline would, counting per column what fits and what does not.
   *
   * @param encoding the sink dialect's, as the pipeline maps with
   */
  static MappingSample check(
      TableMapping mapping,
      String ddl,
      List<? extends SourceDocument> documents,
      ValueEncoding encoding) {
    RowMapper mapper = new RowMapper(mapping, encoding);
    List<ColumnMapping> columns = mapping.columns();
    int[] fit = new int[columns.size()];
    int[] empty = new int[columns.size()];
    int[] refused = new int[columns.size()];
    int refusedDocuments = 0;
    List<String> examples = new ArrayList<>();
    NewColumns newColumns = new NewColumns(mapping);
    for (SourceDocument document : documents) {
      String key = document.key().text();
      try {
        newColumns.add(mapper.map(document));
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
        examples,
        newColumns.columns());
  }

  /** The columns a table that evolves would gain from the sampled documents' unmapped fields. */
  private static final class NewColumns {
    private final java.util.Set<String> taken = new java.util.HashSet<>();
    private final java.util.Map<String, String> columnOf = new java.util.LinkedHashMap<>();
    private final java.util.Map<String, java.util.Set<SqlType>> types = new java.util.HashMap<>();
    private final java.util.Map<String, java.util.Set<String>> sourceTypes =
        new java.util.HashMap<>();
    private final java.util.Map<String, Integer> documents = new java.util.HashMap<>();

    NewColumns(TableMapping mapping) {
      mapping.tableColumns().forEach(c -> taken.add(c.name()));
    }

    void add(MappedRow row) {
      for (MappedRow.UnmappedField field : row.unmappedFields()) {
        String name = field.name();
        columnOf.computeIfAbsent(
            name,
            f -> {
              String column = EvolvedTypes.columnName(f, taken);
              taken.add(column);
              return column;
            });
        types
            .computeIfAbsent(name, f -> new java.util.LinkedHashSet<>())
            .add(EvolvedTypes.inferred(field.value()));
        sourceTypes
            .computeIfAbsent(name, f -> new java.util.LinkedHashSet<>())
            .add(field.value().typeName());
        documents.merge(name, 1, Integer::sum);
      }
    }

    List<MappingSample.NewColumn> columns() {
      List<MappingSample.NewColumn> out = new ArrayList<>();
      columnOf.forEach(
          (field, column) -> {
            java.util.Set<SqlType> seen = types.get(field);
            SqlType type = seen.size() == 1 ? seen.iterator().next() : SqlType.JSONB;
            out.add(
                new MappingSample.NewColumn(
                    field,
                    column,
                    type.ddl(),
                    documents.get(field),
                    List.copyOf(sourceTypes.get(field))));
          });
      return out;
    }
  }
}
