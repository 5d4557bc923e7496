package io.tidemark.source.mongo.convert;

import io.tidemark.core.event.DocumentFields;
import io.tidemark.core.event.DocumentFields.ArrayElement;
import io.tidemark.core.value.FieldPath;
import io.tidemark.core.value.Value;
import java.util.AbstractList;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * Reads field paths out of BSON for {@link DocumentFields}: a numeric segment addresses an array
 * element when the value at that point is an array, as in MongoDB's dotted paths.
 */
final class BsonFields {
  private BsonFields() {}

  /** The BSON value at the path below {@code root}, or null when there is none. */
  static BsonValue at(BsonValue root, FieldPath path) {
    BsonValue current = root;
    for (String segment : path.segments()) {
      if (current instanceof BsonDocument doc) {
        current = doc.get(segment);
      } else if (current instanceof BsonArray array && isIndex(segment)) {
        int index = Integer.parseInt(segment);
        current = index < array.size() ? array.get(index) : null;
      } else {
        return null;
      }
      if (current == null) {
        return null;
      }
    }
    return current;
  }

  static Value valueAt(BsonValue root, FieldPath path) {
    return BsonValues.toValue(at(root, path));
  }

  /** The elements of the array at the path, each converted only when read; null for no array. */
  static List<Element> elementsAt(BsonValue root, FieldPath path) {
    if (!(at(root, path) instanceof BsonArray array)) {
      return null;
    }
    List<BsonValue> values = array.getValues();
    return new AbstractList<>() {
      @Override
      public Element get(int index) {
        return new Element(values.get(index));
      }

      @Override
      public int size() {
        return values.size();
      }
    };
  }

  static boolean isIndex(String segment) {
    if (segment.isEmpty() || segment.length() > 9) {
      return false;
    }
    for (int i = 0; i < segment.length(); i++) {
      if (!Character.isDigit(segment.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** One array element: a sub-document whose fields can be read, or a single value. */
  record Element(BsonValue bson) implements ArrayElement {
    @Override
    public Value value() {
      return BsonValues.toValue(bson);
    }

    @Override
    public Value valueAt(FieldPath path) {
      return BsonFields.valueAt(bson, path);
    }

    @Override
    public List<Element> elementsAt(FieldPath path) {
      return BsonFields.elementsAt(bson, path);
    }
  }
}
