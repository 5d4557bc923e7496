package io.tidemark.it.campaign;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The faults of one run and the collections' {@code onHistoryLost} modes, all from the seed, so
 * that a run can be repeated by its seed (the same faults at the same offsets; the threads'
 * interleaving is the machine's).
 *
 * <p>About one fault per {@value #SECONDS_PER_FAULT} seconds. Kinds are dealt from shuffled decks
 * of every kind, so each kind comes about equally often and a run of two minutes meets each at
 * least once. Times are uniform over the run, except that some faults are pulled to where two
 * events meet: the first seconds (the initial copy) and just after a resnapshot (a rebuild's copy,
 * its hand-over and its swap).
 */
record FaultSchedule(List<Fault> faults, Map<String, String> historyLostModes) {

  static final int SECONDS_PER_FAULT = 5;

  /** Tables a reader may hold: targets, a child table, a table with evolving columns. */
  static final List<String> TABLES = List.of("orders", "order_lines", "mixed", "typed", "late");

  FaultSchedule {
    faults = List.copyOf(faults);
    historyLostModes = Map.copyOf(historyLostModes);
  }

  static FaultSchedule generate(
      long seed, int runSeconds, List<String> collections, Set<FaultKind> kinds) {
    Random random = new Random(seed ^ 0x5eed_fa17L);
    Map<String, String> modes = modes(random, collections);
    int count = kinds.isEmpty() ? 0 : Math.max(3, runSeconds / SECONDS_PER_FAULT);
    List<FaultKind> deck = new ArrayList<>();
    List<Fault> faults = new ArrayList<>();
    List<Double> resnapshots = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      if (deck.isEmpty()) {
        deck.addAll(EnumSet.copyOf(kinds));
        Collections.shuffle(deck, random);
      }
      FaultKind kind = deck.remove(deck.size() - 1);
      double at = 0.5 + random.nextDouble() * Math.max(1, runSeconds - 3);
      if (random.nextInt(5) == 0) {
        at = 0.5 + random.nextDouble() * 5; // during the initial copy
      }
      if (kind == FaultKind.RESNAPSHOT || kind == FaultKind.RESNAPSHOT_TWICE) {
        resnapshots.add(at);
      }
      faults.add(fault(random, i, at, kind, collections, modes));
    }
    List<Fault> placed = new ArrayList<>();
    for (Fault f : faults) {
      boolean meetsRebuilds =
          f.kind() == FaultKind.KILL
              || f.kind() == FaultKind.PAUSE
              || f.kind() == FaultKind.READER_LOCK
              || f.kind() == FaultKind.PG_CUT
              || f.kind() == FaultKind.MONGO_CUT;
      if (meetsRebuilds && !resnapshots.isEmpty() && random.nextBoolean()) {
        double after = resnapshots.get(random.nextInt(resnapshots.size()));
        f = at(f, Math.min(runSeconds - 1.0, after + 0.3 + random.nextDouble() * 4));
      }
      placed.add(f);
    }
    placed.sort(Comparator.comparingDouble(Fault::atSeconds));
    List<Fault> numbered = new ArrayList<>();
    for (int i = 0; i < placed.size(); i++) {
      Fault f = placed.get(i);
      numbered.add(
          new Fault(
              i + 1,
              f.atSeconds(),
              f.kind(),
              f.collection(),
              f.table(),
              f.seconds(),
              f.latencyMillis(),
              f.variant()));
    }
    return new FaultSchedule(numbered, modes);
  }

  /** One collection {@code fail}, one {@code resnapshot}, the others either way. */
  private static Map<String, String> modes(Random random, List<String> collections) {
    List<String> shuffled = new ArrayList<>(collections);
    Collections.shuffle(shuffled, random);
    Map<String, String> modes = new LinkedHashMap<>();
    for (String c : collections) {
      int at = shuffled.indexOf(c);
      modes.put(
          c,
          at == 0 ? "fail" : at == 1 ? "resnapshot" : random.nextBoolean() ? "fail" : "resnapshot");
    }
    return modes;
  }

  private static Fault fault(
      Random random,
      int i,
      double at,
      FaultKind kind,
      List<String> collections,
      Map<String, String> modes) {
    String collection = collections.get(random.nextInt(collections.size()));
    return switch (kind) {
      case KILL ->
          new Fault(
              i, at, kind, null, null, random.nextDouble() * 2, 0, random.nextInt(3) == 0 ? 1 : 0);
      case TERM -> new Fault(i, at, kind, null, null, random.nextDouble() * 2, 0, 0);
      case PAUSE -> new Fault(i, at, kind, collection, null, 0.5 + random.nextDouble() * 5.5, 0, 0);
      case RESNAPSHOT -> new Fault(i, at, kind, collection, null, 0, 0, 0);
      case RESNAPSHOT_TWICE ->
          new Fault(i, at, kind, collection, null, 0.2 + random.nextDouble() * 2.8, 0, 0);
      case MONGO_CUT, PG_CUT ->
          new Fault(
              i, at, kind, null, null, random.nextInt(4) == 0 ? 0 : random.nextDouble() * 6, 0, 0);
      case MONGO_DELAY ->
          new Fault(
              i, at, kind, null, null, 2 + random.nextDouble() * 6, 50 + random.nextInt(351), 0);
      case PG_RESTART_FAST, PG_RESTART_IMMEDIATE ->
          new Fault(i, at, kind, null, null, random.nextDouble() * 3, 0, 0);
      case READER_LOCK -> {
        int variant = random.nextInt(3) == 0 ? 1 : 0;
        String table = variant == 1 ? "order_lines" : TABLES.get(random.nextInt(TABLES.size()));
        yield new Fault(i, at, kind, null, table, 2 + random.nextDouble() * 6, 0, variant);
      }
      case SECOND_DAEMON -> new Fault(i, at, kind, null, null, 0, 0, 0);
      case HISTORY_LOST_RESNAPSHOT, HISTORY_LOST_FAIL -> {
        String mode = kind == FaultKind.HISTORY_LOST_FAIL ? "fail" : "resnapshot";
        List<String> candidates =
            collections.stream().filter(c -> modes.get(c).equals(mode)).toList();
        yield new Fault(
            i, at, kind, candidates.get(random.nextInt(candidates.size())), null, 2, 0, 0);
      }
    };
  }

  private static Fault at(Fault f, double at) {
    return new Fault(
        f.number(),
        at,
        f.kind(),
        f.collection(),
        f.table(),
        f.seconds(),
        f.latencyMillis(),
        f.variant());
  }
}
