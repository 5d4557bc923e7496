package io.tidemark.it.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.it.campaign.Findings.Category;
import io.tidemark.it.campaign.History.Kind;
import io.tidemark.it.campaign.RestartablePostgres.StopMode;
import io.tidemark.it.fixture.TcpProxy;
import io.tidemark.it.support.EngineProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Injects a run's faults at their times, each on a thread of its own so that they overlap as the
 * schedule says. Faults that must not interleave take a lock (the daemon's lifecycle, PostgreSQL's
 * restarts, a collection); one that cannot get it in time, or finds nothing to act on, is skipped
 * and written as skipped. Every fault says in the history when it began, what it saw (the phase it
 * landed in) and when it ended; only faults that happened are counted.
 */
final class FaultInjector {
  /** A second daemon is only meaningful once the first has held its lock for a while. */
  private static final long QUIET_AFTER_SINK_OUTAGE_NANOS = TimeUnit.SECONDS.toNanos(15);

  private final RunContext run;
  private final FaultSchedule schedule;
  private final HistoryLoss historyLoss;
  private final ReentrantLock postgresRestart = new ReentrantLock();
  private final Map<String, Long> executed = new TreeMap<>();
  private final List<Thread> threads = new ArrayList<>();
  private final Thread scheduler;
  private volatile boolean stopping;
  private volatile long sinkOutageEndedNanos = System.nanoTime();

  /**
   * Held for reading by sink outages and for writing by a second daemon: a second daemon started
   * while the first loses its sink connections (and with them its writer lock) may rightly take
   * over, so the two never overlap and the second daemon's verdict stays sound.
   */
  private final ReentrantReadWriteLock sinkQuiet = new ReentrantReadWriteLock();

  private final AtomicInteger outages = new AtomicInteger();
  private volatile long outageEndedNanos = System.nanoTime();

  FaultInjector(RunContext run, FaultSchedule schedule, List<String> collections) {
    this.run = run;
    this.schedule = schedule;
    this.historyLoss = new HistoryLoss(run, this::holdFor, collections);
    this.scheduler = new Thread(this::dispatch, "campaign-faults");
    scheduler.setDaemon(true);
  }

  void start() {
    for (Fault f : schedule.faults()) {
      run.history().record(Kind.FAULT, "scheduled " + f);
    }
    scheduler.start();
  }

  /** Injects no new fault, shortens the holds of running ones, and waits for them to end. */
  void stop(Duration timeout) throws InterruptedException {
    stopping = true;
    scheduler.interrupt();
    scheduler.join(5000);
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Thread> running;
    synchronized (threads) {
      running = List.copyOf(threads);
    }
    for (Thread t : running) {
      t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      if (t.isAlive()) {
        run.findings().add(Category.CONVERGENCE, "fault thread " + t.getName() + " did not end");
      }
    }
  }

  /** Faults that happened, by kind label and by kind and phase ({@code kill@copy}). */
  Map<String, Long> executed() {
    synchronized (executed) {
      return Map.copyOf(executed);
    }
  }

  private void dispatch() {
    long start = System.nanoTime();
    for (Fault f : schedule.faults()) {
      long due = start + (long) (f.atSeconds() * 1e9);
      try {
        while (System.nanoTime() < due) {
          TimeUnit.NANOSECONDS.sleep(Math.min(100_000_000L, due - System.nanoTime()));
        }
      } catch (InterruptedException e) {
        return;
      }
      if (stopping) {
        return;
      }
      Thread t = new Thread(() -> inject(f), "campaign-fault-" + f.number());
      t.setDaemon(true);
      synchronized (threads) {
        threads.add(t);
      }
      t.start();
    }
  }

  private void inject(Fault f) {
    run.history().record(Kind.FAULT, "begin " + f);
    try {
      boolean handedOver = awaitTrigger(f);
      FaultOutcome outcome =
          switch (f.kind()) {
            case KILL -> kill(f, handedOver);
            case TERM -> terminate(f);
            case PAUSE -> pause(f);
            case RESNAPSHOT, RESNAPSHOT_TWICE -> resnapshot(f);
            case MONGO_CUT -> outage(() -> cut(run.mongoProxy(), f));
            case MONGO_DELAY -> outage(() -> delay(f));
            case PG_CUT -> outage(() -> pgCut(f));
            case PG_RESTART_FAST -> outage(() -> restartPostgres(f, StopMode.FAST));
            case PG_RESTART_IMMEDIATE -> outage(() -> restartPostgres(f, StopMode.IMMEDIATE));
            case READER_LOCK -> readerLock(f);
            case SECOND_DAEMON -> secondDaemon();
            case HISTORY_LOST_RESNAPSHOT, HISTORY_LOST_FAIL -> historyLoss.inject(f);
          };
      if (outcome.happened()) {
        count(f.kind(), outcome.phase());
      }
      run.history().record(Kind.FAULT, "end #" + f.number() + " " + f.kind() + ": " + outcome);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      run.history().record(Kind.FAULT, "end #" + f.number() + " " + f.kind() + " by " + e);
    }
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

  private void count(FaultKind kind, String phase) {
    synchronized (executed) {
      executed.merge(kind.label(), 1L, Long::sum);
      if (phase != null) {
        executed.merge(kind.label() + "@" + phase, 1L, Long::sum);
      }
    }
  }

  /** Sleeps {@code seconds}, in steps, less when the run is stopping. */
  private void holdFor(double seconds) throws InterruptedException {
    long until = System.nanoTime() + (long) (seconds * 1e9);
    while (!stopping && System.nanoTime() < until) {
      TimeUnit.MILLISECONDS.sleep(Math.min(100, (until - System.nanoTime()) / 1_000_000 + 1));
    }
  }

  /**
   * Waits for the fault's moment, at most {@value Fault#TRIGGER_SECONDS} s; true when that moment
   * was a rebuild's hand-over.
   */
  private boolean awaitTrigger(Fault f) throws InterruptedException {
    Duration timeout = Duration.ofSeconds(Fault.TRIGGER_SECONDS);
    boolean reached =
        switch (f.trigger()) {
          case NOW -> true;
          case COPY -> Phases.await(run.daemon(), timeout, s -> Phases.copying(s, f.collection()));
          case REBUILD ->
              Phases.await(run.daemon(), timeout, s -> Phases.catchingUp(s, f.collection()));
          case HANDOVER -> awaitHandOver(timeout);
        };
    if (f.trigger() != Fault.Trigger.NOW) {
      run.history()
          .record(
              Kind.FAULT,
              "#" + f.number() + (reached ? " reached " : " did not reach ") + f.trigger());
    }
    return reached && f.trigger() == Fault.Trigger.HANDOVER;
  }

  private FaultOutcome kill(Fault f, boolean atHandOver) throws InterruptedException {
    if (!run.daemon().lifecycle().tryLock(20, TimeUnit.SECONDS)) {
      return FaultOutcome.skipped("another fault was stopping or starting the daemon");
    }
    try {
      String phase = atHandOver ? "swap" : Phases.daemon(run.daemon().status());
      run.daemon().kill();
      run.history().record(Kind.FAULT, "#" + f.number() + " SIGKILL sent (" + phase + ")");
      holdFor(f.seconds());
      run.daemon().start("after SIGKILL #" + f.number());
      return FaultOutcome.done(phase, "killed and started again");
    } finally {
      run.daemon().lifecycle().unlock();
    }
  }

  /**
   * Waits for the daemon to log a rebuild's hand-over ("caught up with the live table ...; handing
   * over"), the moment before the swap. False when none comes in time.
   */
  private boolean awaitHandOver(Duration timeout) throws InterruptedException {
    List<Path> logs = run.daemon().logs();
    if (logs.isEmpty()) {
      return false;
    }
    Path log = logs.get(logs.size() - 1);
    long from = size(log);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!stopping && System.nanoTime() < deadline) {
      if (!Phases.daemon(run.daemon().status()).startsWith("rebuild")) {
        TimeUnit.MILLISECONDS.sleep(100);
        continue;
      }
      try {
        byte[] all = Files.readAllBytes(log);
        if (all.length > from
            && new String(
                    all,
                    (int) from,
                    all.length - (int) from,
                    java.nio.charset.StandardCharsets.UTF_8)
                .contains("; handing over")) {
          return true;
        }
      } catch (IOException e) {
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
    return false;
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  private FaultOutcome terminate(Fault f) throws InterruptedException {
    if (!run.daemon().lifecycle().tryLock(20, TimeUnit.SECONDS)) {
      return FaultOutcome.skipped("another fault was stopping or starting the daemon");
    }
    try {
      String phase = Phases.daemon(run.daemon().status());
      boolean failedAllowed = run.expected().any();
      int code = run.daemon().terminate(60);
      if (code == -1) {
        run.findings().add(Category.DAEMON, "the daemon did not stop within 60 s of SIGTERM");
      } else if (code != 0 && !(code == 1 && failedAllowed)) {
        run.findings().add(Category.DAEMON, "the daemon exited " + code + " after SIGTERM");
      }
      holdFor(f.seconds());
      run.daemon().start("after SIGTERM #" + f.number());
      return FaultOutcome.done(phase, "exit code " + code + ", started again");
    } finally {
      run.daemon().lifecycle().unlock();
    }
  }

  private FaultOutcome pause(Fault f) throws InterruptedException {
    String c = f.collection();
    ReentrantLock lock = run.collectionLock(c);
    if (!lock.tryLock(5, TimeUnit.SECONDS)) {
      return FaultOutcome.skipped(c + " is held by another fault");
    }
    try {
      Optional<JsonNode> status = run.daemon().status();
      String phase = Phases.collection(status, c);
      if (status.isEmpty() || phase.equals("failed")) {
        return FaultOutcome.skipped("no daemon answers, or " + c + " is FAILED");
      }
      if (run.avoid().contains(CampaignSettings.Avoid.PAUSE_DURING_COPY)
          && phase.endsWith("copy")) {
        return FaultOutcome.skipped(c + " is copying (campaign.avoid=pause-during-copy)");
      }
      if (f.variant() == 1) {
        return flap(c, phase, f.seconds() / 8);
      }
      int generation = run.daemon().generation();
      int code = run.daemon().post(c, "pause");
      if (code != 200) {
        return FaultOutcome.skipped("pause answered " + code);
      }
      boolean paused =
          Phases.await(
              run.daemon(), Duration.ofSeconds(15), s -> "PAUSED".equals(Phases.state(s, c)));
      if (!paused && run.daemon().generation() == generation && run.daemon().isRunning()) {
        run.findings()
            .add(
                Category.CONVERGENCE,
                c + " was paused (" + phase + ") but did not show PAUSED within 15 s");
      }
      holdFor(f.seconds());
      run.daemon().post(c, "resume");
      boolean resumed =
          Phases.await(
              run.daemon(),
              Duration.ofSeconds(15),
              s -> Phases.state(s, c) != null && !"PAUSED".equals(Phases.state(s, c)));
      if (!resumed) {
        run.findings().add(Category.CONVERGENCE, c + " still PAUSED 15 s after resume");
      }
      return FaultOutcome.done(phase, "paused " + (paused ? "" : "(never shown) ") + "and resumed");
    } finally {
      lock.unlock();
    }
  }

  /**
   * Pauses and resumes four times in quick succession, without waiting for the states: where pause
   * and resume meet the copy's workers and the stream's reader mid-step.
   */
  private FaultOutcome flap(String c, String phase, double gapSeconds) throws InterruptedException {
    for (int i = 0; i < 4; i++) {
      run.daemon().post(c, "pause");
      holdFor(gapSeconds);
      run.daemon().post(c, "resume");
      holdFor(gapSeconds);
    }
    boolean resumed =
        Phases.await(
            run.daemon(),
            Duration.ofSeconds(15),
            s -> Phases.state(s, c) != null && !"PAUSED".equals(Phases.state(s, c)));
    if (!resumed) {
      run.findings()
          .add(Category.CONVERGENCE, c + " still PAUSED 15 s after four quick pause/resume");
    }
    return FaultOutcome.done(phase, "paused and resumed four times, " + gapSeconds + " s apart");
  }

  private FaultOutcome resnapshot(Fault f) throws InterruptedException {
    String c = f.collection();
    String phase = Phases.collection(run.daemon().status(), c);
    int first = run.daemon().post(c, "resnapshot");
    if (first == -1) {
      return FaultOutcome.skipped("no daemon answers");
    }
    if (f.kind() == FaultKind.RESNAPSHOT) {
      return FaultOutcome.done(phase, "answered " + first);
    }
    holdFor(f.seconds());
    String during = Phases.collection(run.daemon().status(), c);
    int second = run.daemon().post(c, "resnapshot");
    return FaultOutcome.done(
        phase, "first answered " + first + ", second (" + during + ") " + second);
  }

  private FaultOutcome cut(TcpProxy proxy, Fault f) throws InterruptedException {
    String phase = Phases.daemon(run.daemon().status());
    proxy.cutFor(Duration.ofMillis((long) (f.seconds() * 1000)));
    holdFor(f.seconds());
    return FaultOutcome.done(phase, "cut " + proxy.cuts() + " so far");
  }

  private FaultOutcome delay(Fault f) throws InterruptedException {
    String phase = Phases.daemon(run.daemon().status());
    run.mongoProxy()
        .delayFor(
            Duration.ofMillis((long) (f.seconds() * 1000)), Duration.ofMillis(f.latencyMillis()));
    holdFor(f.seconds());
    return FaultOutcome.done(phase, "delayed");
  }

  private FaultOutcome pgCut(Fault f) throws InterruptedException {
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

  private FaultOutcome restartPostgres(Fault f, StopMode mode) throws InterruptedException {
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
      holdFor(f.seconds());
      run.postgres().start();
      return FaultOutcome.done(phase, "PostgreSQL started again");
    } finally {
      postgresRestart.unlock();
      sinkOutageEndedNanos = System.nanoTime();
      sinkQuiet.readLock().unlock();
    }
  }

  private FaultOutcome readerLock(Fault f) throws InterruptedException {
    String phase = Phases.daemon(run.daemon().status());
    try (Connection c = run.postgres().connect(run.database());
        Statement st = c.createStatement()) {
      c.setAutoCommit(false);
      st.execute("SET LOCAL statement_timeout = '30s'");
      st.execute("SELECT count(*) FROM \"public\".\"" + f.table() + "\"");
      run.history()
          .record(Kind.FAULT, "#" + f.number() + " reader holds ACCESS SHARE on " + f.table());
      if (f.variant() == 1) {
        holdFor(0.5 + f.seconds() / 4);
        st.execute("SELECT count(*) FROM \"public\".\"orders\"");
        run.history().record(Kind.FAULT, "#" + f.number() + " reader holds orders too");
      }
      holdFor(f.seconds());
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

  private FaultOutcome secondDaemon() throws InterruptedException {
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
      if (stopping || System.nanoTime() > deadline) {
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
                    + lastLines(log));
      }
      return FaultOutcome.done(phase, "refused, exit " + code);
    } catch (IOException e) {
      return FaultOutcome.skipped("the second daemon's log could not be read: " + e);
    } finally {
      run.daemon().lifecycle().unlock();
    }
  }

  static String lastLines(String log) {
    String[] lines = log.strip().split("\n");
    return String.join(" | ", List.of(lines).subList(Math.max(0, lines.length - 3), lines.length));
  }
}
