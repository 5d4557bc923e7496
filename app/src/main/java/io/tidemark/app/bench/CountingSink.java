package io.tidemark.app.bench;

import io.tidemark.core.spi.ChangeSink;
import io.tidemark.core.spi.TableSink;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wraps the real sink, and every table it opens, and counts what the engine hands the tables in
 * their row-writing transactions ({@code writeSnapshotChunk}, {@code applyBatch}): rows after
 * coalescing, transactions, and the time spent inside the sink. The rest of the writer thread's
 * time is the engine's own (grouping, coalescing, mapping), so the split shows which side limits a
 * path.
 *
 * <p>A dynamic proxy rather than a hand-written decorator, because the sink interface is still
 * growing (rebuild, targets) and the benchmark must not need a change for each new method. The
 * reflective call happens once per transaction, not per row. Thread-safe.
 */
final class CountingSink implements InvocationHandler {
  private final Object target;
  private final AtomicLong rows;
  private final AtomicLong transactions;
  private final AtomicLong nanosInside;

  private CountingSink(Object target, CountingSink shared) {
    this.target = target;
    this.rows = shared == null ? new AtomicLong() : shared.rows;
    this.transactions = shared == null ? new AtomicLong() : shared.transactions;
    this.nanosInside = shared == null ? new AtomicLong() : shared.nanosInside;
  }

  /** The sink to hand to the engine, and the counter behind it. */
  record Counted(ChangeSink sink, CountingSink counter) {}

  static Counted wrap(ChangeSink sink) {
    CountingSink counter = new CountingSink(sink, null);
    return new Counted(counter.proxy(ChangeSink.class), counter);
  }

  /** What has been counted so far; subtract two snapshots to get a phase's share. */
  record Counts(long rows, long transactions, long nanosInside) {
    Counts minus(Counts earlier) {
      return new Counts(
          rows - earlier.rows,
          transactions - earlier.transactions,
          nanosInside - earlier.nanosInside);
    }
  }

  Counts counts() {
    return new Counts(rows.get(), transactions.get(), nanosInside.get());
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    String name = method.getName();
    boolean writesRows = name.equals("writeSnapshotChunk") || name.equals("applyBatch");
    long start = System.nanoTime();
    Object result;
    try {
      result = method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
    if (writesRows) {
      nanosInside.addAndGet(System.nanoTime() - start);
      transactions.incrementAndGet();
      for (Object arg : args) {
        if (arg instanceof List<?> list) {
          rows.addAndGet(list.size());
        }
      }
    }
    if (result instanceof TableSink table) {
      // The tables' counts add up in this counter's.
      return new CountingSink(table, this).proxy(TableSink.class);
    }
    return result;
  }

  private <T> T proxy(Class<T> type) {
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, this));
  }
}
