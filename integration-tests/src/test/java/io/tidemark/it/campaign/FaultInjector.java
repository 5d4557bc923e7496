package io.tidemark.it.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.it.campaign.Findings.Category;
import io.tidemark.it.campaign.History.Kind;
import io.tidemark.it.campaign.RestartablePostgres.StopMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Injects a run's faults at their times, each on a thread of its own so that they overlap as the
 * schedule says. Faults that must not interleave take a lock (the daemon's lifecycle, PostgreSQL's
 * restarts, a collection); one that cannot get it in time, or finds nothing to act on, is skipped
 * and written as skipped. Every fault says in the history when it began, what it saw (the phase it
 * landed in) and when it ended; only faults that happened are counted.
 */
final class FaultInjector {
  private final RunContext run;
  private final FaultSchedule schedule;
  private final HistoryLoss historyLoss;
  private final OutageFaults outages;
  private final Map<String, Long> executed = new TreeMap<>();
  private final List<Thread> threads = new ArrayList<>();
  private final Thread scheduler;
  private volatile boolean stopping;

  FaultInjector(RunContext run, FaultSchedule schedule, List<String> collections) {
    this.run = run;
    this.schedule = schedule;
    this.historyLoss = new HistoryLoss(run, this::holdFor, collections, () -> stopping);
    this.outages = new OutageFaults(run, this::holdFor, () -> stopping);
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
            case MONGO_CUT -> outages.mongoCut(f);
            case MONGO_DELAY -> outages.mongoDelay(f);
            case PG_CUT -> outages.pgCut(f);
            case PG_RESTART_FAST -> outages.restartPostgres(f, StopMode.FAST);
            case PG_RESTART_IMMEDIATE -> outages.restartPostgres(f, StopMode.IMMEDIATE);
            case READER_LOCK -> outages.readerLock(f);
            case SECOND_DAEMON -> outages.secondDaemon();
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
   * Starts the daemon again; while F5 is avoided, not while PostgreSQL is cut or restarted (a start
   * that meets a sink outage in its migration exits 1).
   */
  private void restart(String why) throws InterruptedException {
    boolean quiet =
        run.avoid().contains(CampaignSettings.Avoid.START_DURING_SINK_OUTAGE)
            && outages.holdSinkQuiet(Duration.ofSeconds(60));
    try {
      run.daemon().start(why);
    } finally {
      if (quiet) {
        outages.releaseSinkQuiet();
      }
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
      restart("after SIGKILL #" + f.number());
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
      restart("after SIGTERM #" + f.number());
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
      // A collection whose live stream is down for a rebuild (REBUILDING) cannot show PAUSED.
      boolean canShowPaused = !"REBUILDING".equals(Phases.state(status, c));
      if (!paused
          && canShowPaused
          && run.daemon().generation() == generation
          && run.daemon().isRunning()) {
        run.findings()
            .add(
                Category.CONVERGENCE,
                c + " was paused (" + phase + ") but did not show PAUSED within 15 s");
      }
      holdFor(f.seconds());
      run.daemon().post(c, "resume");
      boolean resumed =
          Phases.await(
              run.daemon(), Duration.ofSeconds(15), s -> !"PAUSED".equals(Phases.state(s, c)));
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
            run.daemon(), Duration.ofSeconds(15), s -> !"PAUSED".equals(Phases.state(s, c)));
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
}
