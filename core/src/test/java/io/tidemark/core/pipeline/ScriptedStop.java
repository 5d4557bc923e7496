package io.tidemark.core.pipeline;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * A stop signal that answers each thread as a script says, to replay exactly how an operator's
 * pause and quick resume look to the threads of one attempt: a reader may see the pause and a
 * writer not, or a writer may see it once and then see it withdrawn.
 *
 * <p>Readers are the threads the pipeline names {@code tidemark-copy-read-…} and {@code
 * tidemark-stream-…}; every other thread is a writer. Nothing is seen before {@link #arm(boolean)}.
 */
final class ScriptedStop implements BooleanSupplier {
  /** What a role sees once armed. */
  enum Seen {
    /** The stop is never seen. */
    NEVER,
    /** The first call of any thread of the role sees it, later calls see it withdrawn. */
    ONCE,
    /** Every call sees it. */
    ALWAYS
  }

  private final Seen readers;
  private final Seen writers;
  private final AtomicBoolean readerSaw = new AtomicBoolean();
  private final AtomicBoolean writerSaw = new AtomicBoolean();
  private volatile boolean armed;
  private volatile boolean withdrawn;

  ScriptedStop(Seen readers, Seen writers) {
    this.readers = readers;
    this.writers = writers;
  }

  /** Arms the stop when {@code when} holds, unless it was withdrawn. */
  void arm(boolean when) {
    if (when && !withdrawn) {
      armed = true;
    }
  }

  /**
   * Withdraws the stop for good: the operator resumed, and hooks that would arm it again do not.
   */
  void disarm() {
    withdrawn = true;
    armed = false;
  }

  @Override
  public boolean getAsBoolean() {
    if (!armed) {
      return false;
    }
    String name = Thread.currentThread().getName();
    boolean reader = name.startsWith("tidemark-copy-read-") || name.startsWith("tidemark-stream-");
    return reader ? sees(readers, readerSaw) : sees(writers, writerSaw);
  }

  private static boolean sees(Seen seen, AtomicBoolean saw) {
    return switch (seen) {
      case NEVER -> false;
      case ALWAYS -> true;
      case ONCE -> saw.compareAndSet(false, true);
    };
  }
}
