package io.tidemark.core.pipeline;

import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToLongFunction;

/**
 * The bounded queue between a reader thread and a writer thread, bounded both in items and in bytes
 * so that memory stays flat whatever the backlog: a full queue makes the reader wait
 * (back-pressure). The reader ends its side with {@link #finish()} or {@link #fail(Throwable)}; the
 * writer sees the failure after it has taken every item queued before it.
 */
final class HandoffQueue<T> {
  private final int maxItems;
  private final long maxBytes;
  private final ToLongFunction<T> sizeOf;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notFull = lock.newCondition();
  private final Condition notEmpty = lock.newCondition();
  private final ArrayDeque<T> items = new ArrayDeque<>();
  private long bytes;
  private boolean finished;
  private Throwable failure;
  private boolean closed;

  HandoffQueue(int maxItems, long maxBytes, ToLongFunction<T> sizeOf) {
    this.maxItems = maxItems;
    this.maxBytes = maxBytes;
    this.sizeOf = sizeOf;
  }

  /**
   * Waits for room, then adds the item. An item larger than the byte bound alone is still accepted
   * when the queue is empty, so a single large document cannot wedge the pipeline.
   *
   * @return false when the writer side has closed the queue (the item was dropped on purpose)
   */
  boolean put(T item) throws InterruptedException {
    long size = sizeOf.applyAsLong(item);
    lock.lockInterruptibly();
    try {
      while (!closed && !items.isEmpty() && (items.size() >= maxItems || bytes + size > maxBytes)) {
        notFull.await();
      }
      if (closed) {
        return false;
      }
      items.addLast(item);
      bytes += size;
      notEmpty.signal();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * @return the next item, or null when none arrived within the timeout or the reader finished
   * @throws TidemarkException the reader's failure, once every earlier item has been taken
   */
  T poll(long timeout, TimeUnit unit) throws InterruptedException {
    long nanos = unit.toNanos(timeout);
    lock.lockInterruptibly();
    try {
      while (items.isEmpty()) {
        if (failure != null) {
          throw asTidemark(failure);
        }
        if (finished || nanos <= 0) {
          return null;
        }
        nanos = notEmpty.awaitNanos(nanos);
      }
      T item = items.removeFirst();
      bytes -= sizeOf.applyAsLong(item);
      notFull.signal();
      return item;
    } finally {
      lock.unlock();
    }
  }

  /** Reader side: no more items will come. */
  void finish() {
    signalEnd(null);
  }

  /** Reader side: reading failed; the writer gets the failure after the queued items. */
  void fail(Throwable t) {
    signalEnd(t);
  }

  private void signalEnd(Throwable t) {
    lock.lock();
    try {
      finished = true;
      failure = t;
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** True when no item waits right now (the reader may put one at any moment). */
  boolean isEmpty() {
    lock.lock();
    try {
      return items.isEmpty();
    } finally {
      lock.unlock();
    }
  }

  /** True once the reader finished and every item was taken. */
  boolean isDrained() {
    lock.lock();
    try {
      return finished && items.isEmpty() && failure == null;
    } finally {
      lock.unlock();
    }
  }

  /** True once the writer side closed the queue: the reader should stop reading. */
  boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  /** Writer side: stop accepting items and release a waiting reader. */
  void close() {
    lock.lock();
    try {
      closed = true;
      items.clear();
      bytes = 0;
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private static TidemarkException asTidemark(Throwable t) {
    if (t instanceof TidemarkException te) {
      return te;
    }
    return new TidemarkException(ErrorCode.INTERNAL, "reader thread failed unexpectedly: " + t, t);
  }
}
