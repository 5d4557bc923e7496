package io.tidemark.it.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.it.campaign.Fault.Trigger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The campaign's own parts that decide a verdict, without servers: a schedule is a function of its
 * seed and deals every kind; the log check finds stack traces and secrets (and passes over only
 * what it is told to); the expected history-loss message is the documented one.
 */
class CampaignPartsTest {
  private static final List<String> COLLECTIONS = List.of("orders", "mixed", "typed", "late");

  @Test
  void aScheduleIsAFunctionOfItsSeedAndATwoMinuteRunMeetsEveryKind() {
    FaultSchedule a = FaultSchedule.generate(17, 120, COLLECTIONS, EnumSet.allOf(FaultKind.class));
    FaultSchedule b = FaultSchedule.generate(17, 120, COLLECTIONS, EnumSet.allOf(FaultKind.class));
    FaultSchedule other =
        FaultSchedule.generate(18, 120, COLLECTIONS, EnumSet.allOf(FaultKind.class));

    assertThat(a).isEqualTo(b);
    assertThat(other.faults()).isNotEqualTo(a.faults());
    assertThat(a.faults()).hasSize(24);
    assertThat(a.faults().stream().map(Fault::kind).collect(Collectors.toSet()))
        .containsExactlyInAnyOrder(FaultKind.values());
    assertThat(a.faults())
        .isSortedAccordingTo((x, y) -> Double.compare(x.atSeconds(), y.atSeconds()));
    assertThat(a.historyLostModes().values()).contains("fail", "resnapshot");
    for (Fault f : a.faults()) {
      if (f.kind() == FaultKind.HISTORY_LOST_FAIL) {
        assertThat(a.historyLostModes().get(f.collection())).as(f.toString()).isEqualTo("fail");
      }
      if (f.kind() == FaultKind.HISTORY_LOST_RESNAPSHOT) {
        assertThat(a.historyLostModes().get(f.collection()))
            .as(f.toString())
            .isEqualTo("resnapshot");
      }
      assertThat(f.atSeconds()).as(f.toString()).isBetween(0.0, 120.0);
    }
  }

  @Test
  void faultsWaitingForARebuildTargetACollectionThatIsRebuilt() {
    for (long seed = 0; seed < 50; seed++) {
      FaultSchedule s =
          FaultSchedule.generate(seed, 120, COLLECTIONS, EnumSet.allOf(FaultKind.class));
      Set<String> rebuilt =
          s.faults().stream()
              .filter(
                  f -> f.kind() == FaultKind.RESNAPSHOT || f.kind() == FaultKind.RESNAPSHOT_TWICE)
              .map(Fault::collection)
              .collect(Collectors.toSet());
      for (Fault f : s.faults()) {
        if (f.trigger() == Trigger.REBUILD && f.collection() != null) {
          assertThat(rebuilt).as("seed %d: %s", seed, f).contains(f.collection());
        }
      }
    }
  }

  @Test
  void noFaultsWhenNoneAreAsked() {
    assertThat(FaultSchedule.generate(1, 120, COLLECTIONS, Set.of()).faults()).isEmpty();
    assertThat(CampaignSettings.parseFaults("none")).isEmpty();
    assertThat(CampaignSettings.parseFaults("kill,pg-cut"))
        .containsExactlyInAnyOrder(FaultKind.KILL, FaultKind.PG_CUT);
  }

  @Test
  void theLogCheckFindsStackTracesBySourceAndSecretsWithoutRepeatingThem(@TempDir Path dir)
      throws Exception {
    Path log = dir.resolve("daemon-1.log");
    Files.writeString(
        log,
        String.join(
            "\n",
            "2026-12-04T07:20:26.091Z INFO  [main] Daemon - starting with password=pw-1234",
            "2026-12-04T07:20:28.386Z WARN  [t-1] ProxyConnection - Connection x@1f marked as broken",
            "org.postgresql.util.PSQLException: An I/O error occurred",
            "\tat org.postgresql.core.v3.QueryExecutorImpl.execute(QueryExecutorImpl.java:399)",
            "Caused by: java.net.SocketException: Connection reset",
            "\tat java.base/sun.nio.ch.NioSocketImpl.implWrite(NioSocketImpl.java:425)",
            "2026-12-04T07:20:29.386Z WARN  [t-2] ProxyConnection - Connection x@2e marked as broken",
            "\tat org.postgresql.core.v3.QueryExecutorImpl.execute(QueryExecutorImpl.java:399)",
            "2026-12-04T07:20:30.000Z ERROR [tidemark-orders] CollectionPipeline - [p/orders] stopped",
            "java.lang.IllegalStateException: boom",
            "\tat io.tidemark.core.pipeline.CollectionPipeline.run(CollectionPipeline.java:1)",
            "2026-12-04T07:20:31.000Z ERROR [tidemark-late] CollectionPipeline - [p/late] stopped:"
                + " late: opening the change stream at the saved position 1.2 (…), 3s behind the"
                + " source clock, failed: the stream's position has fallen out of the"
                + " source's oplog (MongoDB error 286, ChangeStreamHistoryLost), so …",
            ""));
    Map<String, String> secrets = Map.of("sink password", "pw-1234", "admin token", "tk-99");

    List<String> all = new LogCheck(secrets, false).problems(log);
    List<String> withoutLibraries = new LogCheck(secrets, true).problems(log);

    assertThat(all).hasSize(4);
    assertThat(all.get(0))
        .contains("line 1 holds the run's sink password unmasked")
        .contains("password=<sink password>")
        .doesNotContain("pw-1234");
    assertThat(all.get(1))
        .contains("line 9: 1 ERROR(s) no fault explains")
        .contains("[p/orders] stopped");
    assertThat(all.get(2))
        .contains("line 4: 2 stack trace(s) at INFO, printed by: WARN ProxyConnection");
    assertThat(all.get(3)).contains("line 11: 1 stack trace(s)").contains("CollectionPipeline");
    assertThat(String.join("\n", all)).as("a history-lost stop is expected").doesNotContain("late");
    assertThat(withoutLibraries).hasSize(3);
    assertThat(withoutLibraries.get(2)).contains("CollectionPipeline");
  }

  @Test
  void theExpectedHistoryLossMessageIsTheDocumentedOne() {
    // docs/operations.md, "Collection FAILED: history lost"; HistoryLostIT asserts the same parts.
    String documented =
        "orders: reading the change stream failed: the stream's position has fallen out of"
            + " the source's oplog (MongoDB error 286, ChangeStreamHistoryLost), so changes made"
            + " since then can no longer be read. Rebuild the table with 'tidemark resnapshot"
            + " orders', and size the oplog to cover the longest outage you expect.";
    ExpectedFailures expected = new ExpectedFailures();

    assertThat(expected.allows("orders", documented)).as("nothing expected yet").isFalse();
    expected.expectHistoryLost("orders");
    assertThat(expected.allows("orders", documented)).isTrue();
    assertThat(expected.allows("orders", documented.replace("error 286", "error 280"))).isFalse();
    assertThat(expected.allows("mixed", documented)).isFalse();
    expected.clear("orders");
    assertThat(expected.any()).isFalse();
  }
}
