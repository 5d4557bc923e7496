package io.tidemark.app.demo.standin;

import de.bwaldvogel.mongo.bson.Document;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The stand-in rejects a {@code $type} list naming a BSON type it does not implement (Symbol,
 * Undefined, DBPointer...), where MongoDB simply matches nothing for them. Since the stand-in can
 * never hold such values, removing those codes from the list changes no result and lets the query
 * run as it would on MongoDB.
 */
final class TypeQueryCompat {
  /** BSON type codes the stand-in knows (its BsonType enum). */
  private static final Set<Integer> KNOWN =
      Set.of(1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 16, 17, 18, 19, -1, 127);

  private TypeQueryCompat() {}

  /** Rewrites {@code $type} lists in place, anywhere in the filter. */
  static void dropUnknownTypeCodes(Object node) {
    if (node instanceof Document doc) {
      for (Map.Entry<String, Object> e : doc.entrySet()) {
        if (e.getKey().equals("$type") && e.getValue() instanceof Collection<?> types) {
          List<Object> kept = new ArrayList<>();
          for (Object t : types) {
            if (!(t instanceof Number n) || KNOWN.contains(n.intValue())) {
              kept.add(t);
            }
          }
          e.setValue(kept);
        } else {
          dropUnknownTypeCodes(e.getValue());
        }
      }
    } else if (node instanceof Collection<?> items) {
      items.forEach(TypeQueryCompat::dropUnknownTypeCodes);
    }
  }
}
