package io.tidemark.source.mongo.convert;

import io.tidemark.core.value.Value;
import java.util.AbstractList;
import java.util.Iterator;
import org.bson.BsonArray;

/**
 * The elements of a BSON array as core values, each converted only when read: an array stored as
 * {@code jsonb} needs none of them, an array column reads each once, in order.
 *
 * <p>Reading in order goes through {@link #iterator()}, which walks the array once; a raw array's
 * {@code get(i)} would walk it from the start for every element.
 */
final class ArrayElements extends AbstractList<Value> {
  private final BsonArray array;

  ArrayElements(BsonArray array) {
    this.array = array;
  }

  @Override
  public Value get(int index) {
    return BsonValues.toValue(array.get(index));
  }

  @Override
  public int size() {
    return array.size();
  }

  @Override
  public Iterator<Value> iterator() {
    Iterator<org.bson.BsonValue> bson = array.iterator();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return bson.hasNext();
      }

      @Override
      public Value next() {
        return BsonValues.toValue(bson.next());
      }
    };
  }
}
