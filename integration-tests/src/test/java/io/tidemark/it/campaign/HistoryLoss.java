package io.tidemark.it.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.it.campaign.Findings.Category;
import io.tidemark.it.campaign.History.Kind;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.bson.BsonTimestamp;

/**
 * The history-loss fault: a collection is paused, the source moves on, and the stand-in's oplog is
 * truncated past the paused collection's checkpoint ({@code StandInMongo.truncateOplogBefore}, as a
 * capped oplog does when it wraps), then the collection is resumed. With {@code onHistoryLost:
 * resnapshot} it must rebuild itself; with {@code fail} it must stop as FAILED with the documented
 * message, and then the documented fix ({@code resnapshot}) must bring it back.
 *
 * <p>Only the paused collection may lose its history: the truncation point is the oldest position
 * anything else still needs — every other checkpoint (rebuilds' too) and the start time of every
 * copy still running — and the fault is skipped when a configured collection has no position yet.
 * Checkpoints never move backwards (the sampler checks that), so a later restart of the daemon
 * resumes every other collection at or after the truncation point.
 */
final class HistoryLoss {
  private final RunContext run;
  private final Hold hold;
  private final List<String> collections;
  private final ReentrantLock oneAtATime = new ReentrantLock();
  private final BooleanSupplier stopping;

  /** How long a history-loss fault waits for its collection to stream with no other fault on it. */
  static final int WAIT_FOR_MOMENT_SECONDS = 30;

  HistoryLoss(RunContext run, Hold hold, List<String> collections, BooleanSupplier stopping) {
    this.run = run;
    this.stopping = stopping;
    this.hold = hold;
    this.collections = List.copyOf(collections);
  }

  /**
   * Injects the loss once {@code f}'s collection streams and no other fault holds it, waiting up to
   * {@value #WAIT_FOR_MOMENT_SECONDS} s for that moment: skipped at once, the fault landed in one
   * run of five (a copy or another fault was usually in the way), too rarely to be counted.
   */
  FaultOutcome inject(Fault f) throws InterruptedException {
    String c = f.collection();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_FOR_MOMENT_SECONDS);
    while (true) {
      String notNow;
      ReentrantLock lock = run.collectionLock(c);
      if (!oneAtATime.tryLock() || !lock.tryLock(1, TimeUnit.SECONDS)) {
        if (oneAtATime.isHeldByCurrentThread()) {
          oneAtATime.unlock();
        }
        notNow = "another fault holds " + c + " or truncates the oplog";
      } else {
        try {
          String phase = Phases.collection(run.daemon().status(), c);
          if (phase.equals("stream")) {
            return truncatePast(f, c);
          }
          notNow = c + " is not streaming without a rebuild (" + phase + ")";
        } finally {
          lock.unlock();
          oneAtATime.unlock();
        }
      }
      if (stopping.getAsBoolean() || System.nanoTime() > deadline) {
        return FaultOutcome.skipped(notNow + " until the run stopped or for 30 s");
      }
      TimeUnit.MILLISECONDS.sleep(500);
    }
  }

  private FaultOutcome truncatePast(Fault f, String c) throws InterruptedException {
    int generation = run.daemon().generation();
    if (run.daemon().post(c, "pause") != 200
        || !Phases.await(
            run.daemon(), Duration.ofSeconds(15), s -> "PAUSED".equals(Phases.state(s, c)))) {
      run.daemon().post(c, "resume");
      return FaultOutcome.skipped(c + " could not be paused");
    }
    hold.hold(f.seconds()); // the workload writes on meanwhile, to this collection too
    Long truncateBefore = null;
    Long paused = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      Map<String, Long> positions = positions();
      paused = positions.get(c);
      Long others = oldestOtherPosition(positions, c);
      if (paused != null && others != null && others > paused) {
        truncateBefore = Math.min(others, run.operationTime().getAsLong());
        if (truncateBefore > paused) {
          break;
        }
      }
      truncateBefore = null;
      TimeUnit.MILLISECONDS.sleep(300);
    }
    if (truncateBefore == null || run.daemon().generation() != generation) {
      run.daemon().post(c, "resume");
      return FaultOutcome.skipped(
          "no point past "
              + c
              + "'s checkpoint that every other collection has passed, or the daemon restarted");
    }
    boolean fail = f.kind() == FaultKind.HISTORY_LOST_FAIL;
    if (fail) {
      run.expected().expectHistoryLost(c);
    }
    run.standIn().truncateOplogBefore(new BsonTimestamp(truncateBefore));
    run.history()
        .record(
            Kind.FAULT,
            "#"
                + f.number()
                + " oplog truncated before "
                + Times.format(truncateBefore)
                + "; "
                + c
                + " is paused at "
                + Times.format(paused));
    run.daemon().post(c, "resume");
    return fail ? expectFailedThenRebuild(c) : expectRebuild(c, truncateBefore);
  }

  /** The oldest position any other collection (or rebuild, or running copy) still needs. */
  private Long oldestOtherPosition(Map<String, Long> positions, String c) {
    for (String other : collections) {
      if (!other.equals(c) && !positions.containsKey(other)) {
        return null; // not copied yet: it has no position to protect, so truncate nothing
      }
    }
    Long oldest = null;
    for (Map.Entry<String, Long> e : positions.entrySet()) {
      String key = e.getKey();
      if (key.startsWith(c + "$")) {
        return null; // a rebuild of the paused collection: leave it alone
      }
      if (!key.equals(c)) {
        oldest = oldest == null ? e.getValue() : Math.min(oldest, e.getValue());
      }
    }
    return oldest;
  }

  private Map<String, Long> positions() {
    try (Connection connection = run.postgres().connect(run.database())) {
      return SinkMetadata.positionsStillNeeded(connection);
    } catch (SQLException e) {
      return Map.of(); // PostgreSQL restarting: try again
    }
  }

  /**
   * A rebuild shows as REBUILDING, as a rebuild in the status, or, when it was swapped in between
   * two looks (a small collection is rebuilt in well under a second), as the collection streaming
   * again from a position at or past the truncation, which only a rebuild can reach.
   */
  private FaultOutcome expectRebuild(String c, long truncateBefore) throws InterruptedException {
    boolean rebuilt =
        Phases.await(
            run.daemon(),
            Duration.ofSeconds(30),
            s ->
                "REBUILDING".equals(Phases.state(s, c))
                    || Phases.rebuilding(s, c)
                    || (!"PAUSED".equals(Phases.state(s, c))
                        && positions().getOrDefault(c, 0L) >= truncateBefore));
    return FaultOutcome.done(
        "stream", rebuilt ? c + " rebuilds itself" : c + " showed no rebuild within 30 s");
  }

  /**
   * The collection must stop as FAILED (the sampler checks its message); then the documented fix,
   * {@code resnapshot}, must bring it back to STREAMING. A restart of the daemon in between makes
   * it fail again without a rebuild, so the request is repeated while it is FAILED with none.
   */
  private FaultOutcome expectFailedThenRebuild(String c) throws InterruptedException {
    boolean failed =
        Phases.await(
            run.daemon(), Duration.ofSeconds(30), s -> "FAILED".equals(Phases.state(s, c)));
    if (!failed) {
      run.findings()
          .add(
              Category.UNEXPECTED_FAILED,
              c
                  + " (onHistoryLost: fail) did not become FAILED within 30 s after its position fell"
                  + " out of the oplog; it is "
                  + Phases.collection(run.daemon().status(), c));
    }
    run.daemon().post(c, "resnapshot");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
    long failedWithoutRebuildSince = 0;
    while (System.nanoTime() < deadline) {
      Optional<JsonNode> s = run.daemon().status();
      String state = Phases.state(s, c);
      if ("STREAMING".equals(state) && !Phases.rebuilding(s, c)) {
        run.expected().clear(c);
        return FaultOutcome.done("stream", c + " FAILED as documented and was rebuilt");
      }
      if ("FAILED".equals(state) && !Phases.rebuilding(s, c)) {
        if (failedWithoutRebuildSince == 0) {
          failedWithoutRebuildSince = System.nanoTime();
        } else if (System.nanoTime() - failedWithoutRebuildSince > TimeUnit.SECONDS.toNanos(5)) {
          run.history().record(Kind.FAULT, c + " FAILED with no rebuild: resnapshot again");
          run.daemon().post(c, "resnapshot");
          failedWithoutRebuildSince = 0;
        }
      } else {
        failedWithoutRebuildSince = 0;
      }
      TimeUnit.MILLISECONDS.sleep(300);
    }
    run.expected().clear(c);
    run.findings()
        .add(Category.CONVERGENCE, c + " was not back to STREAMING 150 s after its resnapshot");
    return FaultOutcome.done("stream", c + " did not recover");
  }
}
