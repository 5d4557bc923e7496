package io.tidemark.core.pipeline;

import io.tidemark.core.event.ChangeEvent;
import io.tidemark.core.event.TransactionId;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.Position;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Holds streamed events until they may be committed, so that a source transaction is never split
 * across two sink transactions.
 *
 * <p>MongoDB marks no end of a transaction (see CHANGE-STREAMS.md §6). A transaction's group is
 * therefore closed when an event outside it with a later cluster time arrives, or when the stream
 * reports (by a heartbeat) that it has read past the group's time. Until then the group and
 * everything after it wait; everything before it is ready.
 *
 * <p>Used by the writer thread only.
 */
final class TransactionBuffer {
  private final List<ChangeEvent> ready = new ArrayList<>();
  private long readyBytes;
  private long oldestReadyNanos;
  private Position readyPosition;

  private final List<ChangeEvent> pending = new ArrayList<>();

  /**
   * Transactions whose end is not proven yet. Usually one; several when transactions share a
   * cluster time (sharded clusters, and any deployment since MongoDB 8.0).
   */
  private final Set<TransactionId> openTransactions = new HashSet<>();

  private ClusterTime openTransactionLatest;

  TransactionBuffer(Position committed) {
    this.readyPosition = committed;
  }

  void add(ChangeEvent event, long nowNanos) {
    if (!openTransactions.isEmpty()) {
      boolean member = openTransactions.contains(event.transaction());
      if (member || !event.clusterTime().isAfter(openTransactionLatest)) {
        // A member extends its group; anything else at the group's time waits with it (keeping
        // stream order), and a transaction starting at that time joins the group.
        holdPending(event);
        return;
      }
      closeOpenTransactions(nowNanos);
    }
    if (event.transaction() != null) {
      openTransactionLatest = event.clusterTime();
      holdPending(event);
      return;
    }
    addReady(event, nowNanos);
  }

  private void holdPending(ChangeEvent event) {
    pending.add(event);
    if (event.transaction() != null) {
      openTransactions.add(event.transaction());
    }
    if (event.clusterTime().isAfter(openTransactionLatest)) {
      openTransactionLatest = event.clusterTime();
    }
  }

  /** The stream has read up to {@code position} without events for us. */
  void heartbeat(Position position, long nowNanos) {
    if (!openTransactions.isEmpty() && position.clusterTime().isAfter(openTransactionLatest)) {
      closeOpenTransactions(nowNanos);
    }
    if (openTransactions.isEmpty() && position.isAfter(readyPosition)) {
      readyPosition = position;
    }
  }

  private void closeOpenTransactions(long nowNanos) {
    for (ChangeEvent e : pending) {
      addReady(e, nowNanos);
    }
    pending.clear();
    openTransactions.clear();
    openTransactionLatest = null;
  }

  private void addReady(ChangeEvent event, long nowNanos) {
    if (ready.isEmpty()) {
      oldestReadyNanos = nowNanos;
    }
    ready.add(event);
    readyBytes += event.sizeInBytes();
    readyPosition = event.position();
  }

  /** Events that may be committed now, in stream order. */
  List<ChangeEvent> ready() {
    return ready;
  }

  long readyBytes() {
    return readyBytes;
  }

  /** Nanotime when the oldest ready event arrived; meaningless when none is ready. */
  long oldestReadyNanos() {
    return oldestReadyNanos;
  }

  /** The position that committing {@link #ready()} would reach. */
  Position readyPosition() {
    return readyPosition;
  }

  boolean hasPending() {
    return !pending.isEmpty();
  }

  /** Forgets the ready events after they were committed. */
  void clearReady() {
    ready.clear();
    readyBytes = 0;
  }
}
