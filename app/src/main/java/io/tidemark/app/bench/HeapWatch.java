package io.tidemark.app.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The heap's high-water mark, from the garbage collector's own reports: at every collection, the
 * heap in use just before it (the true peak of "used", which sampling would miss) and just after it
 * (what survived: an upper bound of the live data). A sampler fills the gaps between collections.
 *
 * <p>"Used" peaks near the heap limit whatever the workload, because the collector lets garbage
 * pile up until a collection pays off; "live after GC" is what the workload actually holds. Both
 * are reported. Thread-safe; {@link #close()} stops the sampler and removes the listeners.
 */
final class HeapWatch implements AutoCloseable {
  private static final long SAMPLE_MILLIS = 20;

  private final Set<String> heapPools = new HashSet<>();
  private final AtomicLong runUsed = new AtomicLong();
  private final AtomicLong runLive = new AtomicLong();
  private final AtomicLong phaseUsed = new AtomicLong();
  private final AtomicLong phaseLive = new AtomicLong();
  private final AtomicLong collections = new AtomicLong();
  private final AtomicLong pauseMillis = new AtomicLong();
  private final NotificationListener listener = this::onCollection;
  private final Thread sampler;
  private volatile boolean running = true;

  HeapWatch() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        heapPools.add(pool.getName());
      }
    }
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) gc).addNotificationListener(listener, null, null);
    }
    sampler = new Thread(this::sample, "tidemark-bench-heap");
    sampler.setDaemon(true);
    sampler.start();
  }

  /** Starts a new phase: {@link #phaseUsedBytes()} and {@link #phaseLiveBytes()} restart. */
  void resetPhase() {
    phaseUsed.set(0);
    phaseLive.set(0);
  }

  long phaseUsedBytes() {
    return phaseUsed.get();
  }

  long phaseLiveBytes() {
    return phaseLive.get();
  }

  long runUsedBytes() {
    return runUsed.get();
  }

  long runLiveBytes() {
    return runLive.get();
  }

  long collections() {
    return collections.get();
  }

  long pauseMillis() {
    return pauseMillis.get();
  }

  private void onCollection(Notification n, Object handback) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
      return;
    }
    var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
    collections.incrementAndGet();
    pauseMillis.addAndGet(info.getGcInfo().getDuration());
    long before = heapTotal(info.getGcInfo().getMemoryUsageBeforeGc());
    long after = heapTotal(info.getGcInfo().getMemoryUsageAfterGc());
    raise(before, runUsed, phaseUsed);
    raise(after, runLive, phaseLive);
  }

  private long heapTotal(Map<String, MemoryUsage> pools) {
    long sum = 0;
    for (Map.Entry<String, MemoryUsage> e : pools.entrySet()) {
      if (heapPools.contains(e.getKey())) {
        sum += e.getValue().getUsed();
      }
    }
    return sum;
  }

  private void sample() {
    var memory = ManagementFactory.getMemoryMXBean();
    while (running) {
      raise(memory.getHeapMemoryUsage().getUsed(), runUsed, phaseUsed);
      try {
        Thread.sleep(SAMPLE_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static void raise(long value, AtomicLong a, AtomicLong b) {
    a.accumulateAndGet(value, Math::max);
    b.accumulateAndGet(value, Math::max);
  }

  @Override
  public void close() {
    running = false;
    sampler.interrupt();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      try {
        ((NotificationEmitter) gc).removeNotificationListener(listener);
      } catch (javax.management.ListenerNotFoundException e) {
        // Never added to this collector: nothing to remove.
      }
    }
  }
}
