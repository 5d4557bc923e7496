package io.tidemark.it.campaign;

import io.tidemark.it.campaign.Fault.Trigger;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** What each kind of fault is made of: its target, its length, its variant, drawn from the seed. */
final class FaultChoices {
  private FaultChoices() {}

  static Fault fault(
      Random random,
      double at,
      FaultKind kind,
      List<String> collections,
      Map<String, String> modes) {
    String collection = collections.get(random.nextInt(collections.size()));
    return switch (kind) {
      case KILL, TERM -> fault(at, kind, null, null, random.nextDouble() * 2, 0, 0);
      case PAUSE ->
          fault(
              at,
              kind,
              collection,
              null,
              0.5 + random.nextDouble() * 5.5,
              0,
              random.nextInt(5) < 2 ? 1 : 0);
      case RESNAPSHOT -> fault(at, kind, collection, null, 0, 0, 0);
      case RESNAPSHOT_TWICE ->
          fault(at, kind, collection, null, 0.2 + random.nextDouble() * 2.8, 0, 0);
      case MONGO_CUT, PG_CUT ->
          fault(at, kind, null, null, random.nextInt(4) == 0 ? 0 : random.nextDouble() * 6, 0, 0);
      case MONGO_DELAY ->
          fault(at, kind, null, null, 2 + random.nextDouble() * 6, 50 + random.nextInt(351), 0);
      case PG_RESTART_FAST, PG_RESTART_IMMEDIATE ->
          fault(at, kind, null, null, random.nextDouble() * 3, 0, 0);
      case READER_LOCK -> {
        int variant = random.nextInt(3) == 0 ? 1 : 0;
        String table =
            variant == 1
                ? "order_lines"
                : FaultSchedule.TABLES.get(random.nextInt(FaultSchedule.TABLES.size()));
        yield fault(at, kind, null, table, 2 + random.nextDouble() * 6, 0, variant);
      }
      case SECOND_DAEMON -> fault(at, kind, null, null, 0, 0, 0);
      case HISTORY_LOST_RESNAPSHOT, HISTORY_LOST_FAIL -> {
        String mode = kind == FaultKind.HISTORY_LOST_FAIL ? "fail" : "resnapshot";
        List<String> candidates =
            collections.stream().filter(c -> modes.get(c).equals(mode)).toList();
        yield fault(at, kind, candidates.get(random.nextInt(candidates.size())), null, 2, 0, 0);
      }
    };
  }

  private static Fault fault(
      double at,
      FaultKind kind,
      String collection,
      String table,
      double seconds,
      long latencyMillis,
      int variant) {
    return new Fault(0, at, kind, collection, table, seconds, latencyMillis, variant, Trigger.NOW);
  }
}
