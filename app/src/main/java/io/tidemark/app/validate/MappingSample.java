package io.tidemark.app.validate;

import io.tidemark.core.mapping.OnError;
import java.util.List;

/**
 * What a sample of a collection's documents says about its mapping: the table's DDL, how many
 * sampled documents would be refused, and for each configured column whose values do not all fit,
 * the counts and the first reasons.
 *
 * @param collection the collection
 * @param ddl the statements that create the table and its child tables, separated by {@code ;} and
 *     a new line
 * @param onError what the pipeline does with a refused document
 * @param sampled documents read
 * @param refused sampled documents the mapping refuses (any column, or the document as a whole)
 * @param misfits the configured columns with at least one value that does not fit, in table order
 * @param examples the first refusals, each naming collection, {@code _id}, field and column
 * @param newColumns for a collection with {@code schema.evolve: addColumns}, the columns its
 *     sampled fields would add, in the order first seen
 */
public record MappingSample(
    String collection,
    String ddl,
    OnError onError,
    int sampled,
    int refused,
    List<ColumnMisfit> misfits,
    List<String> examples,
    List<NewColumn> newColumns) {

  public MappingSample {
    misfits = List.copyOf(misfits);
    examples = List.copyOf(examples);
    newColumns = List.copyOf(newColumns);
  }

  /**
   * A column {@code schema.evolve: addColumns} would add for a sampled field.
   *
   * @param field the top-level field
   * @param column the column's name
   * @param type the column's type as DDL: the one its values share, jsonb when they disagree
   * @param documents sampled documents with a value for the field
   * @param sourceTypes the sampled values' types, in the order first seen
   */
  public record NewColumn(
      String field, String column, String type, int documents, List<String> sourceTypes) {
    public NewColumn {
      sourceTypes = List.copyOf(sourceTypes);
    }
  }

  /**
   * A configured column some sampled values do not fit.
   *
   * @param field the document field
   * @param column the column
   * @param type the column's type as DDL
   * @param fit sampled values that fit
   * @param empty sampled documents where the field is missing or null (SQL NULL)
   * @param refused sampled values that do not fit
   */
  public record ColumnMisfit(
      String field, String column, String type, int fit, int empty, int refused) {}
}
