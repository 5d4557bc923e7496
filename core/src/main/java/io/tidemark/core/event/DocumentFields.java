package io.tidemark.core.event;

import io.tidemark.core.value.FieldPath;
import io.tidemark.core.value.Value;
import java.util.List;

/**
 * Fields a mapping can read: those of a whole document, or of one element of one of its arrays (a
 * child table's row). Implementations convert lazily and are immutable.
 */
public interface DocumentFields {

  /** The value at a field path, {@link Value.Missing} when absent. */
  Value valueAt(FieldPath path);

  /**
   * The elements of the array at a field path, in array order, each readable on its own.
   *
   * @return null when the value there is not an array (missing, null, or any other type); the
   *     caller tells those apart with {@link #valueAt}
   */
  List<? extends ArrayElement> elementsAt(FieldPath path);

  /** One element of an array: a sub-document whose fields can be read, or a single value. */
  interface ArrayElement extends DocumentFields {
    /** The element itself. */
    Value value();
  }
}
