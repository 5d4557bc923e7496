package io.tidemark.it.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.tidemark.harness.net.TcpProxy;
import io.tidemark.harness.standin.CommandObserver;
import io.tidemark.harness.standin.StandInMongo;
import io.tidemark.harness.standin.StandInVersion;
import io.tidemark.it.campaign.CampaignChecker.VerifyCounts;
import io.tidemark.it.campaign.CampaignSettings.Avoid;
import io.tidemark.it.campaign.Findings.Category;
import io.tidemark.it.campaign.History.Kind;
import io.tidemark.it.support.BackgroundWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One run of the campaign, from its seed: a MongoDB stand-in and a fresh database on the campaign's
 * PostgreSQL, each behind a TCP proxy; 20,000 documents seeded; the daemon started; the workload
 * and the fault schedule run side by side for the configured time; then the faults stop, the writes
 * stop, the daemon must converge (every collection STREAMING with no rebuild, every checkpoint at
 * or past the source's last write) and stop on SIGTERM with exit 0, and the checks run ({@link
 * CampaignChecker}, plus what the sampler saw on the way).
 *
 * <p>Everything the run writes goes to {@code <campaign.dir>/seed-<seed>/}: the history, every
 * daemon's YAML and log, verify's output.
 */
final class CampaignRun {
  private static final Duration FAULTS_END = Duration.ofSeconds(200);
  private static final Duration CONVERGENCE = Duration.ofSeconds(180);

  private final long seed;
  private final CampaignSettings settings;
  private final RestartablePostgres postgres;

  CampaignRun(long seed, CampaignSettings settings, RestartablePostgres postgres) {
    this.seed = seed;
    this.settings = settings;
    this.postgres = postgres;
  }

  RunResult run() throws Exception {
    long started = System.nanoTime();
    Path dir = settings.dir().resolve("seed-" + seed);
    emptyDirectory(dir);
    History history = new History(dir.resolve("history.txt"));
    Findings findings = new Findings(history);
    history.record(Kind.RUN, "seed " + seed + "; re-run with: " + settings.rerunCommand(seed));
    String database = "campaign_" + Long.toString(seed).replace('-', 'm');
    postgres.dropDatabase(database);
    postgres.createDatabase(database);
    try (history;
        // Once the workload stops, the stand-in's primary writes a no-op every second, as a real
        // one does after periodicNoopIntervalSecs of quiet (src/mongo/db/repl/noop_writer.cpp; 1 s
        // is the least the server takes, and what MongoDB's own change stream tests set), so that
        // every stream, however quiet its collection, sees time pass while the run converges.
        StandInMongo standIn =
            StandInMongo.start(
                StandInVersion.DEFAULT, CommandObserver.NONE, Duration.ofSeconds(1));
        MongoClient client = MongoClients.create(standIn.connectionString());
        TcpProxy mongoProxy = TcpProxy.start("127.0.0.1", port(standIn), 512);
        TcpProxy pgProxy = TcpProxy.start("127.0.0.1", postgres.port(), 256)) {
      MongoDatabase db = client.getDatabase(CampaignConfig.DATABASE);
      CampaignWorkload workload =
          new CampaignWorkload(
              db, history, seed, (long) settings.seconds() * settings.opsPerSecond());
      workload.seed(settings.documents());
      if (settings.avoids(Avoid.LATE_COLLECTION)) {
        workload.createLateCollectionNow();
      }
      FaultSchedule schedule =
          FaultSchedule.generate(
              seed, settings.seconds(), workload.collectionNames(), settings.faults());
      history.record(Kind.RUN, "onHistoryLost per collection: " + schedule.historyLostModes());
      CampaignConfig config = config(mongoProxy, pgProxy, database, workload, schedule);
      ExpectedFailures expected = new ExpectedFailures();
      long writes;
      VerifyCounts verified;
      long wrongCounters;
      Map<String, Long> faults;
      try (DaemonControl daemon = new DaemonControl(dir, config, history, findings)) {
        RunContext run =
            new RunContext(
                history,
                findings,
                expected,
                daemon,
                postgres,
                database,
                standIn,
                mongoProxy,
                pgProxy,
                workload::operationTime,
                settings.avoid(),
                new ConcurrentHashMap<>());
        ProgressSampler sampler =
            new ProgressSampler(postgres, database, daemon, history, findings, expected);
        FaultInjector injector = new FaultInjector(run, schedule, workload.collectionNames());
        // Writes start first: the late collection must be able to appear while a daemon that
        // refuses to start without it keeps trying.
        AtomicInteger failedWrites = new AtomicInteger();
        BackgroundWriter writer =
            BackgroundWriter.start(
                () -> step(workload, findings, failedWrites),
                Math.max(0, 1000 / settings.opsPerSecond() - 1));
        try {
          daemon.start("the run begins");
          workload.daemonStarted();
          sampler.start();
          injector.start();
          TimeUnit.SECONDS.sleep(settings.seconds());
          history.record(Kind.RUN, "the schedule is over: no new faults");
          injector.stop(FAULTS_END);
        } finally {
          writer.stop();
        }
        writes = workload.operations();
        history.record(Kind.RUN, "writes stopped after " + writes + " operations");
        converge(run, workload.collectionNames(), workload.operationTime());
        sampler.close();
        history.record(Kind.RUN, "sampler stopped after " + sampler.samples() + " samples");
        int code = daemon.terminate(60);
        if (code != 0) {
          findings.add(Category.DAEMON, "the daemon exited " + code + " after the final SIGTERM");
        }
        faults = injector.executed();
        CampaignChecker checker = new CampaignChecker(run, dir);
        Path direct =
            config
                .direct(standIn.connectionString(), postgres.jdbcUrl(database))
                .write(dir.resolve("verify.yaml"), -1);
        verified = checker.verify(direct);
        wrongCounters = checker.counters(workload.expectedCounters());
        checker.logs(
            daemon.logs(),
            new LogCheck(config.secrets(), settings.avoids(Avoid.LIBRARY_STACK_TRACES)));
      }
      RunResult result =
          new RunResult(
              seed,
              (System.nanoTime() - started) / 1e9,
              writes,
              workload.operationsByKind(),
              faults,
              verified.rows(),
              verified.childRows(),
              verified.differences(),
              wrongCounters,
              findings.all(),
              history.file(),
              settings.rerunCommand(seed));
      history.record(Kind.RUN, result.line());
      if (result.passed()) {
        postgres.dropDatabase(database);
      }
      return result;
    }
  }

  private CampaignConfig config(
      TcpProxy mongoProxy,
      TcpProxy pgProxy,
      String database,
      CampaignWorkload workload,
      FaultSchedule schedule) {
    Random secrets = new Random(seed * 31 + 7);
    String collections =
        CampaignConfig.collections(
            workload.modelled(),
            schedule.historyLostModes().get(CampaignWorkload.LATE),
            schedule.historyLostModes());
    return new CampaignConfig(
        "mongodb://127.0.0.1:"
            + mongoProxy.port()
            + "/?serverSelectionTimeoutMS=2000&connectTimeoutMS=2000",
        "jdbc:postgresql://127.0.0.1:" + pgProxy.port() + "/" + database,
        "pw-" + Long.toHexString(secrets.nextLong() | Long.MIN_VALUE),
        "tk-" + Long.toHexString(secrets.nextLong() | Long.MIN_VALUE),
        !settings.avoids(Avoid.PASSWORD_IN_URL),
        collections);
  }

  private static void step(CampaignWorkload workload, Findings findings, AtomicInteger failed) {
    try {
      workload.step();
    } catch (RuntimeException e) {
      if (failed.incrementAndGet() <= 3) {
        findings.add(Category.CONVERGENCE, "a workload write to the stand-in failed: " + e);
      }
    }
  }

  /**
   * Heals the network, makes sure PostgreSQL and the daemon run and nothing is paused, then waits
   * until every collection streams, no rebuild runs, and every checkpoint has reached {@code
   * lastWrite}, the source's operation time after the last write.
   */
  private void converge(RunContext run, List<String> collections, long lastWrite)
      throws InterruptedException {
    run.history().record(Kind.RUN, "converging: last write at " + Times.format(lastWrite));
    run.mongoProxy().heal();
    run.pgProxy().heal();
    if (!run.postgres().isRunning()) {
      run.postgres().start();
    }
    if (!run.daemon().isRunning()) {
      run.daemon().start("for the final convergence");
    }
    for (String c : collections) {
      run.daemon().post(c, "resume");
    }
    long deadline = System.nanoTime() + CONVERGENCE.toNanos();
    String lagging = "";
    while (System.nanoTime() < deadline) {
      Optional<JsonNode> status = run.daemon().status();
      Map<String, Long> checkpoints = checkpoints(run);
      List<String> behind = new ArrayList<>();
      for (String c : collections) {
        String state = Phases.state(status, c);
        long at = checkpoints.getOrDefault(c, 0L);
        if (!"STREAMING".equals(state) || Phases.rebuilding(status, c) || at < lastWrite) {
          behind.add(
              c
                  + " "
                  + Phases.collection(status, c)
                  + " at "
                  + Times.format(at)
                  + (Phases.rebuilding(status, c) ? " (rebuilding)" : ""));
        }
      }
      if (behind.isEmpty()) {
        run.history().record(Kind.CHECK, "converged: every collection streams at the last write");
        return;
      }
      lagging = String.join(", ", behind);
      TimeUnit.MILLISECONDS.sleep(500);
    }
    run.findings()
        .add(
            Category.CONVERGENCE,
            "not converged "
                + CONVERGENCE.toSeconds()
                + " s after the writes stopped (last write "
                + Times.format(lastWrite)
                + "): "
                + lagging);
  }

  private static Map<String, Long> checkpoints(RunContext run) {
    try (Connection c = run.postgres().connect(run.database())) {
      return SinkMetadata.checkpoints(c);
    } catch (SQLException e) {
      return Map.of(); // PostgreSQL starting, or the schema not there yet: try again
    }
  }

  private static int port(StandInMongo standIn) {
    String s = standIn.connectionString();
    return Integer.parseInt(s.substring(s.lastIndexOf(':') + 1));
  }

  private static void emptyDirectory(Path dir) throws IOException {
    Files.createDirectories(dir);
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
  }
}
