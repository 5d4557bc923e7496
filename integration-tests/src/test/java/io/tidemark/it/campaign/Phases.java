package io.tidemark.it.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Where the daemon, or one collection, stands according to {@code /status}: the phase a fault
 * landed in, counted in the summary ({@code kill@copy}, {@code pause@rebuild-copy}, …).
 */
final class Phases {
  private Phases() {}

  /** Polls the daemon's status until {@code condition} holds; false when it did not in time. */
  static boolean await(
      DaemonControl daemon, Duration timeout, Predicate<Optional<JsonNode>> condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.test(daemon.status())) {
        return true;
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    return false;
  }

  /** Whether the collection (any, when null) or its rebuild copies. */
  static boolean copying(Optional<JsonNode> status, String collection) {
    return matches(status, collection, phase -> phase.endsWith("copy"));
  }

  /** Whether the collection's rebuild (any, when null) has copied and catches up or streams. */
  static boolean catchingUp(Optional<JsonNode> status, String collection) {
    return matches(status, collection, phase -> phase.equals("rebuild"));
  }

  private static boolean matches(
      Optional<JsonNode> status, String collection, Predicate<String> phase) {
    if (status.isEmpty()) {
      return false;
    }
    for (JsonNode c : status.get().path("collections")) {
      if ((collection == null || c.path("collection").asText().equals(collection))
          && phase.test(phase(c))) {
        return true;
      }
    }
    return false;
  }

  /** Whether a rebuild of the collection is running. */
  static boolean rebuilding(Optional<JsonNode> status, String collection) {
    JsonNode c = find(status, collection);
    return c != null && !c.path("rebuild").isNull() && !c.path("rebuild").isMissingNode();
  }

  /** The collection's state, or null when no daemon answers or it has no such collection. */
  static String state(Optional<JsonNode> status, String collection) {
    JsonNode c = find(status, collection);
    return c == null ? null : c.path("state").asText();
  }

  /** The phase of one collection: copy, catch-up, stream, rebuild-copy, rebuild, paused, … */
  static String collection(Optional<JsonNode> status, String collection) {
    JsonNode c = find(status, collection);
    return c == null ? "down" : phase(c);
  }

  /** The phase of the whole daemon: its busiest collection's, copies first. */
  static String daemon(Optional<JsonNode> status) {
    if (status.isEmpty()) {
      return "down";
    }
    String best = "stream";
    int rank = 0;
    for (JsonNode c : status.get().path("collections")) {
      String phase = phase(c);
      int r =
          switch (phase) {
            case "copy" -> 5;
            case "rebuild-copy" -> 4;
            case "rebuild" -> 3;
            case "catch-up" -> 2;
            case "stream" -> 0;
            default -> 1;
          };
      if (r > rank) {
        rank = r;
        best = phase;
      }
    }
    return best;
  }

  private static String phase(JsonNode c) {
    String state = c.path("state").asText();
    JsonNode rebuild = c.path("rebuild");
    boolean rebuilding = !rebuild.isNull() && !rebuild.isMissingNode();
    return switch (state) {
      case "SNAPSHOTTING" -> "copy";
      case "CATCHING_UP" -> "catch-up";
      case "STREAMING", "REBUILDING" ->
          !rebuilding
              ? (state.equals("REBUILDING") ? "rebuilding" : "stream")
              : rebuild.path("state").asText().equals("SNAPSHOTTING") ? "rebuild-copy" : "rebuild";
      default -> state.toLowerCase(Locale.ROOT);
    };
  }

  private static JsonNode find(Optional<JsonNode> status, String collection) {
    if (status.isEmpty()) {
      return null;
    }
    for (JsonNode c : status.get().path("collections")) {
      if (c.path("collection").asText().equals(collection)) {
        return c;
      }
    }
    return null;
  }
}
