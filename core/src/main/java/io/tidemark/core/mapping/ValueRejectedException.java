package io.tidemark.core.mapping;

/**
 * A value cannot be stored in its column without loss. Carries the parts a human needs: the field,
 * the value's type, the column and why. The pipeline adds the collection and {@code _id}.
 */
public final class ValueRejectedException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String field;
  private final String column;

  public ValueRejectedException(String field, String column, String reason) {
    super(reason);
    this.field = field;
    this.column = column;
  }

  public String field() {
    return field;
  }

  public String column() {
    return column;
  }

  public String reason() {
    return getMessage();
  }

  /**
   * The reason with where it happened, as dead letters and errors state it: {@code orders.price
   * (document _id c17): Double '12.345' cannot be stored in column price ...}.
   */
  public String describe(String collection, String documentKey) {
    return collection + "." + field + " (document _id " + documentKey + "): " + reason();
  }
}
