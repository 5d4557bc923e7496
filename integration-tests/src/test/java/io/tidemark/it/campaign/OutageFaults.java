package io.tidemark.it.campaign;

import io.tidemark.harness.net.TcpProxy;
import io.tidemark.it.campaign.Findings.Category;
import io.tidemark.it.campaign.History.Kind;
import io.tidemark.it.campaign.RestartablePostgres.StopMode;
import io.tidemark.it.support.EngineProcess;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BooleanSupplier;

/**
 * The faults that take a server or the network away (MongoDB and PostgreSQL cuts, delays and
 * restarts, a reader holding locks), and the second daemon, which must never overlap a sink outage:
 * a daemon that loses its sink sessions loses its writer lock, and a second daemon may then rightly
 * take over, which would make the verdict unsound. Thread-safe: each fault runs on a thread of its
 * own.
 */
final class OutageFaults {
  /** A second daemon is only meaningful once the first has held its lock for a while. */
  private static final long QUIET_AFTER_SINK_OUTAGE_NANOS = TimeUnit.SECONDS.toNanos(15);

  private final RunContext run;
  private final Hold hold;
  private final BooleanSupplier stopping;
  private final ReentrantLock postgresRestart = new ReentrantLock();
  private final AtomicInteger outages = new AtomicInteger();
  private volatile long outageEndedNanos = System.nanoTime();
  private volatile long sinkOutageEndedNanos = System.nanoTime();

  /**
   * Held for reading by sink outages and for writing by a second daemon, so that the two never
   * overlap.
   */
  private final ReentrantReadWriteLock sinkQuiet = new ReentrantReadWriteLock();

  OutageFaults(RunContext run, Hold hold, BooleanSupplier stopping) {
    this.run = run;
    this.hold = hold;
    this.stopping = stopping;
  }

  /**
   * Keeps sink outages from starting until {@link #releaseSinkQuiet}, waiting for running ones to
   * end; false when they did not end in time (then nothing is held).
   */
  boolean holdSinkQuiet(Duration timeout) throws InterruptedException {
    return sinkQuiet.writeLock().tryLock(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  void releaseSinkQuiet() {
    sinkQuiet.writeLock().unlock();
  }

  FaultOutcome mongoCut(Fault f) throws InterruptedException {
    return outage(() -> cut(run.mongoProxy(), f));
  }

  FaultOutcome mongoDelay(Fault f) throws InterruptedException {
    return outage(() -> delay(f));
  }

  FaultOutcome pgCut(Fault f) throws InterruptedException {
    return outage(() -> sinkCut(f));
  }

  FaultOutcome restartPostgres(Fault f, StopMode mode) throws InterruptedException {
    return outage(() -> restart(f, mode));
  }

  /** A fault that cuts, slows or stops a server. */
  private interface Outage {
    FaultOutcome run() throws InterruptedException;
  }

  /** Runs a network or server fault, noting while it lasts and when it ended. */
  private FaultOutcome outage(Outage outage) throws InterruptedException {
    outages.incrementAndGet();
    try {
      return outage.run();
    } finally {
      outageEndedNanos = System.nanoTime();
      outages.decrementAndGet();
    }
  }

  /** Whether a network or server fault was under way at some time after {@code sinceNanos}. */
  private boolean outageSince(long sinceNanos) {
    return outages.get() > 0 || outageEndedNanos - sinceNanos > 0;
  }

  private FaultOutcome cut(TcpProxy proxy, Fault f) throws InterruptedException {
    String phase = Phases.daemon(run.daemon().status());
    proxy.cutFor(Duration.ofMillis((long) (f.seconds() * 1000)));
    hold.hold(f.seconds());
    return FaultOutcome.done(phase, "cut " + proxy.cuts() + " so far");
  }

  private FaultOutcome delay(Fault f) throws InterruptedException {
    String phase = Phases.daemon(run.daemon().status());
    run.mongoProxy()
        .delayFor(
            Duration.ofMillis((long) (f.seconds() * 1000)), Duration.ofMillis(f.latencyMillis()));
    hold.hold(f.seconds());
    return FaultOutcome.done(phase, "delayed");
  }

  private FaultOutcome sinkCut(Fault f) throws InterruptedException {
    if (!sinkQuiet.readLock().tryLock(60, TimeUnit.SECONDS)) {
      return FaultOutcome.skipped("a second daemon was starting");
    }
    try {
      return cut(run.pgProxy(), f);
    } finally {
      sinkOutageEndedNanos = System.nanoTime();
      sinkQuiet.readLock().unlock();
    }
  }

  private FaultOutcome restart(Fault f, StopMode mode) throws InterruptedException {
    if (!sinkQuiet.readLock().tryLock(60, TimeUnit.SECONDS)) {
      return FaultOutcome.skipped("a second daemon was starting");
    }
    if (!postgresRestart.tryLock(20, TimeUnit.SECONDS)) {
      sinkQuiet.readLock().unlock();
      return FaultOutcome.skipped("PostgreSQL is being restarted by another fault");
    }
    try {
      String phase = Phases.daemon(run.daemon().status());
      run.postgres().stop(mode);
      run.history().record(Kind.FAULT, "#" + f.number() + " PostgreSQL stopped (" + mode + ")");
      hold.hold(f.seconds());
      run.postgres().start();
      return FaultOutcome.done(phase, "PostgreSQL started again");
    } finally {
      postgresRestart.unlock();
      sinkOutageEndedNanos = System.nanoTime();
      sinkQuiet.readLock().unlock();
    }
  }

  FaultOutcome readerLock(Fault f) throws InterruptedException {
    String phase = Phases.daemon(run.daemon().status());
    try (Connection c = run.postgres().connect(run.database());
        Statement st = c.createStatement()) {
      c.setAutoCommit(false);
      st.execute("SET LOCAL statement_timeout = '30s'");
      st.execute("SELECT count(*) FROM \"public\".\"" + f.table() + "\"");
      run.history()
          .record(Kind.FAULT, "#" + f.number() + " reader holds ACCESS SHARE on " + f.table());
      if (f.variant() == 1) {
        hold.hold(0.5 + f.seconds() / 4);
        st.execute("SELECT count(*) FROM \"public\".\"orders\"");
        run.history().record(Kind.FAULT, "#" + f.number() + " reader holds orders too");
      }
      hold.hold(f.seconds());
      c.commit();
      return FaultOutcome.done(
          phase, "held " + f.table() + (f.variant() == 1 ? " then orders" : ""));
    } catch (SQLException e) {
      return FaultOutcome.skipped(
          "the reader's transaction ended: "
              + e.getMessage()
              + " (SQLSTATE "
              + e.getSQLState()
              + ")");
    }
  }

  FaultOutcome secondDaemon() throws InterruptedException {
    if (!sinkQuiet.writeLock().tryLock(30, TimeUnit.SECONDS)) {
      return FaultOutcome.skipped("sink outages went on for 30 s");
    }
    try {
      return secondDaemonWhileSinkQuiet();
    } finally {
      sinkQuiet.writeLock().unlock();
    }
  }

  private FaultOutcome secondDaemonWhileSinkQuiet() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() - sinkOutageEndedNanos < QUIET_AFTER_SINK_OUTAGE_NANOS
        || !run.daemon().isRunning()) {
      if (stopping.getAsBoolean() || System.nanoTime() > deadline) {
        return FaultOutcome.skipped("the sink was not quiet for 15 s, or no daemon ran");
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    if (run.avoid().contains(CampaignSettings.Avoid.LOCK_LOST_UNNOTICED)
        && sinkOutageEndedNanos - run.daemon().upSinceNanos() > 0) {
      return FaultOutcome.skipped(
          "the daemon lost its sink connections since it started"
              + " (campaign.avoid=lock-lost-unnoticed)");
    }
    if (!run.daemon().lifecycle().tryLock(20, TimeUnit.SECONDS)) {
      return FaultOutcome.skipped("another fault was stopping or starting the daemon");
    }
    try {
      String phase = Phases.daemon(run.daemon().status());
      long started = System.nanoTime();
      EngineProcess second = run.daemon().startSecond(45);
      String log = second.log();
      if (second.isAlive()) {
        second.kill();
        run.findings()
            .add(
                Category.DAEMON,
                "a second daemon on the same pipeline was not refused within 45 s while the first"
                    + " held the writer lock; both were killed and the first started again");
        run.daemon().kill();
        run.daemon().start("after the second daemon was not refused");
        return FaultOutcome.done(phase, "NOT refused");
      }
      int code = second.exitCode();
      if (code == 3 && outageSince(started)) {
        return FaultOutcome.done(
            phase, "exit 3: a database was unreachable during a network fault (inconclusive)");
      }
      if (code != 4 || !log.contains("is already being written by")) {
        run.findings()
            .add(
                Category.DAEMON,
                "a second daemon on the same pipeline exited "
                    + code
                    + " instead of 4 with 'is already being written by': "
                    + LogCheck.lastLines(log));
      }
      return FaultOutcome.done(phase, "refused, exit " + code);
    } catch (IOException e) {
      return FaultOutcome.skipped("the second daemon's log could not be read: " + e);
    } finally {
      run.daemon().lifecycle().unlock();
    }
  }
}
