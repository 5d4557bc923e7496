package io.tidemark.app.bench;

import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.spi.ChangeSource;
import io.tidemark.core.spi.CollectionSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link ChangeSource} whose collections are generated in memory: the benchmark's stand-in for
 * MongoDB with a small, known cost per document, so that what it measures is Tidemark's engine and
 * sink, not a source. Thread-safe.
 */
public final class GeneratedSource implements ChangeSource {
  private final Map<String, GeneratedCollection> collections = new ConcurrentHashMap<>();

  /** Adds a collection; the engine finds it by name. */
  public GeneratedCollection add(GeneratedCollection collection) {
    collections.put(collection.name(), collection);
    return collection;
  }

  @Override
  public CollectionSource collection(String name) {
    GeneratedCollection c = collections.get(name);
    if (c == null) {
      throw new TidemarkException(
          ErrorCode.CONFIG_INVALID,
          "The benchmark's generated source has no collection '"
              + name
              + "' (it has: "
              + collections.keySet()
              + ").");
    }
    return c;
  }

  @Override
  public void close() {
    collections.values().forEach(GeneratedCollection::releaseAll);
  }
}
