package io.tidemark.it.contract;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.tidemark.harness.standin.StandInMongo;
import io.tidemark.it.fixture.inventory.CommandRecorder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.junit.jupiter.api.Assumptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MongoDB the contract suite states its claims against: a server from {@code
 * TIDEMARK_TEST_MONGO_URI}, a Testcontainers replica set, or the stand-in. Started on first use and
 * kept for the JVM ({@link ContractTargets}); not {@code AutoCloseable}, since JUnit closes such
 * arguments of a parameterized test after each invocation. Thread-safe.
 */
public final class ContractTarget {
  private static final Logger log = LoggerFactory.getLogger(ContractTarget.class);

  private final String name;
  private final String unavailable; // why this target cannot run here, or null
  private final StandInMongo standIn; // null unless this is the stand-in
  private final AutoCloseable server; // what to stop at the end, or null
  private final MongoClient client;
  private final List<String> databases = new ArrayList<>(); // guarded by this
  private final AtomicInteger counter = new AtomicInteger();

  private ContractTarget(
      String name,
      String unavailable,
      StandInMongo standIn,
      AutoCloseable server,
      String connectionString) {
    this.name = name;
    this.unavailable = unavailable;
    this.standIn = standIn;
    this.server = server;
    this.client =
        connectionString == null
            ? null
            : MongoClients.create(
                MongoClientSettings.builder()
                    .applyConnectionString(new ConnectionString(connectionString))
                    .applicationName(CommandRecorder.FIXTURE_APPLICATION)
                    .build());
  }

  static ContractTarget server(String name, String connectionString, AutoCloseable server) {
    return new ContractTarget(name, null, null, server, connectionString);
  }

  static ContractTarget standIn(StandInMongo standIn) {
    return new ContractTarget("stand-in", null, standIn, standIn, standIn.connectionString());
  }

  /** A target that was asked for but cannot run here: every claim on it is skipped, saying why. */
  static ContractTarget unavailable(String name, String why) {
    return new ContractTarget(name, why, null, null, null);
  }

  public String name() {
    return name;
  }

  public boolean isStandIn() {
    return standIn != null;
  }

  public Optional<StandInMongo> standInMongo() {
    return Optional.ofNullable(standIn);
  }

  /** A client for this target; the claim is skipped, with the reason, when it cannot run here. */
  public MongoClient client() {
    Assumptions.assumeTrue(unavailable == null, () -> name + " cannot run here: " + unavailable);
    return client;
  }

  /** A fresh database for one claim; dropped at the end on a server that outlives the tests. */
  public synchronized MongoDatabase newDatabase(String prefix) {
    String database =
        "contract_"
            + prefix
            + "_"
            + ProcessHandle.current().pid()
            + "_"
            + counter.incrementAndGet();
    databases.add(database);
    return client().getDatabase(database);
  }

  /**
   * Skips the calling claim on the stand-in, loudly (a WARN and the reason in the test report): it
   * still runs on every real server.
   */
  public void assumeRealServer(String whatTheStandInLacks) {
    if (isStandIn()) {
      log.warn("SKIPPED on the stand-in, runs on a real server: {}", whatTheStandInLacks);
    }
    Assumptions.assumeFalse(
        isStandIn(),
        () ->
            "The stand-in cannot honour this claim ("
                + whatTheStandInLacks
                + "); it runs on a"
                + " real server (TIDEMARK_TEST_MONGO_URI or Testcontainers).");
  }

  /** The server's version as buildInfo reports it, such as {@code [7, 0, 12]}. */
  public List<Integer> version() {
    return client()
        .getDatabase("admin")
        .runCommand(new Document("buildInfo", 1))
        .getList("versionArray", Integer.class)
        .subList(0, 3);
  }

  /** Drops what the claims created on a server that outlives the tests, and stops the rest. */
  synchronized void stop() {
    if (client != null) {
      if (standIn == null && server == null) {
        for (String database : databases) {
          try {
            client.getDatabase(database).drop();
          } catch (RuntimeException e) {
            log.warn("Could not drop contract database {} on {}: {}", database, name, e.toString());
          }
        }
      }
      client.close();
    }
    if (server != null) {
      try {
        server.close();
      } catch (Exception e) {
        log.warn("Stopping {} failed: {}", name, e.toString());
      }
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
