package io.tidemark.core.logging;

import org.slf4j.MDC;

/**
 * The one way Tidemark names the pipeline and collection a log line is about: two MDC entries,
 * {@value #PIPELINE} and {@value #COLLECTION}, set on every thread that works for them (the
 * collection's thread, its readers, committer and copy workers, a rebuild's threads, the writer
 * lock's watch). The daemon's log pattern prints them at the start of the line; a message names
 * them itself only where it speaks of another collection.
 *
 * <p>Loggers are named after their class ({@code LoggerFactory.getLogger(X.class)}).
 */
public final class LogContext {
  /** MDC key of the pipeline's name. */
  public static final String PIPELINE = "pipeline";

  /** MDC key of the collection's name. */
  public static final String COLLECTION = "collection";

  private LogContext() {}

  /**
   * Sets the context on this thread until the scope is closed, which puts back what was there.
   *
   * @param collection null for work of the whole pipeline
   */
  public static Scope open(String pipeline, String collection) {
    Scope scope = new Scope(MDC.get(PIPELINE), MDC.get(COLLECTION));
    put(PIPELINE, pipeline);
    put(COLLECTION, collection);
    return scope;
  }

  /**
   * The body with this thread's context, for running on another thread: the context goes with the
   * work to the thread that does it.
   */
  public static Runnable carry(Runnable body) {
    String pipeline = MDC.get(PIPELINE);
    String collection = MDC.get(COLLECTION);
    return () -> {
      try (Scope scope = open(pipeline, collection)) {
        body.run();
      }
    };
  }

  private static void put(String key, String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }

  /** Puts back the context a thread had before {@link #open}. */
  public static final class Scope implements AutoCloseable {
    private final String pipeline;
    private final String collection;

    private Scope(String pipeline, String collection) {
      this.pipeline = pipeline;
      this.collection = collection;
    }

    @Override
    public void close() {
      put(PIPELINE, pipeline);
      put(COLLECTION, collection);
    }
  }
}
