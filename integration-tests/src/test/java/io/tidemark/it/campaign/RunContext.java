package io.tidemark.it.campaign;

import io.tidemark.harness.net.TcpProxy;
import io.tidemark.harness.standin.StandInMongo;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * What the parts of one run share: its record keepers, its servers and the proxies in front of
 * them, the daemon, and a lock per collection for faults that must not overlap on one collection (a
 * pause and an oplog truncation, say).
 *
 * @param history the run's history
 * @param findings what the run found wrong
 * @param expected the collections the schedule made fail on purpose
 * @param daemon the daemon under test
 * @param postgres the campaign's PostgreSQL
 * @param database the run's sink database
 * @param standIn the run's MongoDB stand-in
 * @param mongoProxy the proxy the daemon reaches MongoDB through
 * @param pgProxy the proxy the daemon reaches PostgreSQL through
 * @param operationTime the source's current operation time, packed, read directly
 * @param avoid the known defects the run steps around
 * @param locks a lock per collection name
 */
record RunContext(
    History history,
    Findings findings,
    ExpectedFailures expected,
    DaemonControl daemon,
    RestartablePostgres postgres,
    String database,
    StandInMongo standIn,
    TcpProxy mongoProxy,
    TcpProxy pgProxy,
    LongSupplier operationTime,
    Set<CampaignSettings.Avoid> avoid,
    Map<String, ReentrantLock> locks) {

  RunContext {
    avoid = Set.copyOf(avoid);
    locks =
        locks instanceof ConcurrentHashMap<String, ReentrantLock>
            ? locks
            : new ConcurrentHashMap<>(locks);
  }

  ReentrantLock collectionLock(String collection) {
    return locks.computeIfAbsent(collection, c -> new ReentrantLock());
  }
}
