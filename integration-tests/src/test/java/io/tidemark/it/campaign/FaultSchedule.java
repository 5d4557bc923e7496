package io.tidemark.it.campaign;

import io.tidemark.it.campaign.Fault.Trigger;
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
 * that a run can be repeated by its seed: the same faults, due at the same offsets, waiting for the
 * same moments; the threads' interleaving is the machine's.
 *
 * <p>About one fault per {@value #SECONDS_PER_FAULT} seconds. Kinds are dealt from shuffled decks
 * of every kind, so each kind comes about equally often and a run of two minutes meets each at
 * least once. Due times are uniform over the run, three in ten in the first eight seconds (the
 * initial copy). Some faults then wait for a moment where two events meet ({@link Trigger}): a kill
 * at a rebuild's hand-over, a pause or a reader while a rebuild catches up (those are moved to just
 * after a resnapshot of their collection), a pause, a kill or an outage while a copy runs.
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
    int count = kinds.isEmpty() ? 0 : Math.max(4, runSeconds / SECONDS_PER_FAULT);
    List<FaultKind> deck = new ArrayList<>();
    List<Fault> faults = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      if (deck.isEmpty()) {
        deck.addAll(EnumSet.copyOf(kinds));
        Collections.shuffle(deck, random);
      }
      FaultKind kind = deck.remove(deck.size() - 1);
      double at = 0.5 + random.nextDouble() * Math.max(1, runSeconds - 3);
      if (random.nextInt(10) < 3) {
        at = 0.5 + random.nextDouble() * 8;
      }
      faults.add(FaultChoices.fault(random, at, kind, collections, modes));
    }
    List<Fault> resnapshots =
        faults.stream()
            .filter(f -> f.kind() == FaultKind.RESNAPSHOT || f.kind() == FaultKind.RESNAPSHOT_TWICE)
            .toList();
    List<Fault> placed = new ArrayList<>();
    for (Fault f : faults) {
      placed.add(trigger(random, f, resnapshots, runSeconds));
    }
    placed.sort(Comparator.comparingDouble(Fault::atSeconds));
    List<Fault> numbered = new ArrayList<>();
    for (int i = 0; i < placed.size(); i++) {
      numbered.add(placed.get(i).numbered(i + 1));
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

  /** Gives some faults a moment to wait for; those waiting on a rebuild move after a resnapshot. */
  private static Fault trigger(Random random, Fault f, List<Fault> resnapshots, int runSeconds) {
    int dice = random.nextInt(12);
    Fault resnapshot =
        resnapshots.isEmpty() ? null : resnapshots.get(random.nextInt(resnapshots.size()));
    double after =
        resnapshot == null
            ? f.atSeconds()
            : Math.min(runSeconds - 1.0, resnapshot.atSeconds() + 0.3 + random.nextDouble() * 2);
    String rebuilt = resnapshot == null ? null : resnapshot.collection();
    return switch (f.kind()) {
      case KILL ->
          dice < 4 && resnapshot != null
              ? f.withTrigger(Trigger.HANDOVER, after, null, null)
              : dice < 6 ? f.withTrigger(Trigger.COPY, f.atSeconds(), null, null) : f;
      case PAUSE ->
          dice < 4
              ? f.withTrigger(Trigger.COPY, f.atSeconds(), f.collection(), null)
              : dice < 7 && resnapshot != null
                  ? f.withTrigger(Trigger.REBUILD, after, rebuilt, null)
                  : f;
      case READER_LOCK ->
          dice < 5 && resnapshot != null
              ? f.withTrigger(
                  Trigger.REBUILD,
                  after,
                  rebuilt,
                  rebuilt.equals("orders") && f.variant() == 1 ? "order_lines" : rebuilt)
              : f;
      case TERM, MONGO_CUT, MONGO_DELAY, PG_CUT, PG_RESTART_FAST, PG_RESTART_IMMEDIATE ->
          dice < 3
              ? f.withTrigger(Trigger.COPY, f.atSeconds(), null, null)
              : dice < 5 && resnapshot != null
                  ? f.withTrigger(Trigger.REBUILD, after, null, null)
                  : f;
      default -> f;
    };
  }
}
