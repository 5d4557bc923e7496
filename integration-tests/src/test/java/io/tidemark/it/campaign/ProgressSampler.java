package io.tidemark.it.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.it.campaign.Findings.Category;
import io.tidemark.it.campaign.History.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Watches a run from outside, every {@value #PERIOD_MILLIS} ms, on a thread of its own:
 *
 * <ul>
 *   <li>the metadata tables, directly (not through the proxy): every checkpoint ({@code
 *       tidemark.checkpoint}) and copy mark ({@code tidemark.snapshot_range}) must only move
 *       forwards, and a copy must never be DONE while one of its ranges is not (DESIGN.md,
 *       invariants 3 and 8);
 *   <li>the daemon's {@code /status}: every change of a collection's state, error or rebuild goes
 *       to the history, and a FAILED collection the schedule did not ask for is a finding;
 *   <li>the daemon's process: one that exits by itself is a finding, and is started again so the
 *       run can go on.
 * </ul>
 */
final class ProgressSampler implements AutoCloseable {
  static final long PERIOD_MILLIS = 300;

  private static final String COPIES =
      "SELECT s.collection, s.state, s.start_time, r.range_no, r.rows_copied, r.done,"
          + " r.resume_after FROM tidemark.snapshot s LEFT JOIN tidemark.snapshot_range r"
          + " ON r.pipeline = s.pipeline AND r.collection = s.collection WHERE s.pipeline = ?";

  private final RestartablePostgres postgres;
  private final String database;
  private final DaemonControl daemon;
  private final History history;
  private final Findings findings;
  private final ExpectedFailures expected;
  private final Thread thread;
  private volatile boolean closed;
  private Connection connection;

  private final Map<String, Long> checkpoints = new ConcurrentHashMap<>();
  private final Map<String, CopyTrack> copies = new HashMap<>();
  private final Map<String, String> lastSeen = new HashMap<>();
  private final Set<String> reported = new HashSet<>();
  private volatile long samples;

  ProgressSampler(
      RestartablePostgres postgres,
      String database,
      DaemonControl daemon,
      History history,
      Findings findings,
      ExpectedFailures expected) {
    this.postgres = postgres;
    this.database = database;
    this.daemon = daemon;
    this.history = history;
    this.findings = findings;
    this.expected = expected;
    this.thread = new Thread(this::loop, "campaign-sampler");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** The last checkpoint read per key ({@code collection} or {@code collection$rebuild}). */
  Map<String, Long> checkpoints() {
    return Map.copyOf(checkpoints);
  }

  long samples() {
    return samples;
  }

  private void loop() {
    while (!closed) {
      try {
        sampleMetadata();
        sampleStatus();
        restartIfDied();
        samples++;
        Thread.sleep(PERIOD_MILLIS);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        history.record(Kind.CHECK, "sampler: " + e);
      }
    }
  }

  private void sampleMetadata() {
    try {
      if (connection == null || connection.isClosed()) {
        connection = postgres.connect(database);
      }
      readCheckpoints(connection);
      readCopies(connection);
    } catch (SQLException e) {
      // PostgreSQL restarting, or the schema not migrated yet: sample again next time.
      closeConnection();
    }
  }

  private void readCheckpoints(Connection c) throws SQLException {
    Map<String, Long> now = SinkMetadata.checkpoints(c);
    for (Map.Entry<String, Long> e : now.entrySet()) {
      Long before = checkpoints.get(e.getKey());
      if (before != null && e.getValue() < before) {
        findings.add(
            Category.BACKWARDS,
            "checkpoint of "
                + e.getKey()
                + " moved back from "
                + Times.format(before)
                + " to "
                + Times.format(e.getValue()));
      }
    }
    checkpoints.keySet().retainAll(now.keySet());
    checkpoints.putAll(now);
  }

  private void readCopies(Connection c) throws SQLException {
    Map<String, CopyTrack> seen = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(COPIES)) {
      ps.setString(1, CampaignConfig.PIPELINE);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String collection = rs.getString(1);
          String state = rs.getString(2);
          long startTime = rs.getLong(3);
          CopyTrack track = copies.get(collection);
          if (track == null || track.startTime != startTime) {
            track = new CopyTrack(startTime);
            history.record(
                Kind.STATE, "copy of " + collection + " begins, T0 " + Times.format(startTime));
          }
          copies.put(collection, track);
          seen.put(collection, track);
          track.state(collection, state);
          int range = rs.getInt(4);
          if (!rs.wasNull()) {
            track.range(collection, range, rs.getLong(5), rs.getBoolean(6), rs.getString(7));
          }
        }
      }
    }
    copies.keySet().retainAll(seen.keySet());
    for (Map.Entry<String, CopyTrack> e : seen.entrySet()) {
      e.getValue().checkDone(e.getKey());
    }
  }

  /** One copy (one start time) of one collection: its state and its ranges' marks so far. */
  private final class CopyTrack {
    final long startTime;
    String state;
    final Map<Integer, Long> rows = new HashMap<>();
    final Map<Integer, Boolean> done = new HashMap<>();
    final Map<Integer, String> mark = new HashMap<>();
    final Map<Integer, Set<String>> earlierMarks = new HashMap<>();
    final Set<Integer> notDoneNow = new HashSet<>();

    CopyTrack(long startTime) {
      this.startTime = startTime;
    }

    void state(String collection, String now) {
      if (Objects.equals(state, now)) {
        return;
      }
      if ("DONE".equals(state) && "RUNNING".equals(now)) {
        findings.add(Category.BACKWARDS, "copy of " + collection + " went from DONE to RUNNING");
      }
      history.record(Kind.STATE, "copy of " + collection + ": " + state + " -> " + now);
      state = now;
      notDoneNow.clear();
    }

    void range(String collection, int range, long rowsNow, boolean doneNow, String markNow) {
      String where = "copy of " + collection + " range " + range;
      Long rowsBefore = rows.put(range, rowsNow);
      if (rowsBefore != null && rowsNow < rowsBefore) {
        findings.add(
            Category.BACKWARDS, where + ": rows copied went from " + rowsBefore + " to " + rowsNow);
      }
      Boolean doneBefore = done.put(range, doneNow);
      if (Boolean.TRUE.equals(doneBefore) && !doneNow) {
        findings.add(Category.BACKWARDS, where + ": done went back to false");
      }
      String markBefore = mark.put(range, markNow);
      if (markNow != null && !markNow.equals(markBefore)) {
        Set<String> earlier = earlierMarks.computeIfAbsent(range, r -> new HashSet<>());
        if (earlier.contains(markNow)) {
          findings.add(Category.BACKWARDS, where + ": its mark went back to " + markNow);
        }
        if (markBefore != null) {
          earlier.add(markBefore);
        }
      }
      if (!doneNow) {
        notDoneNow.add(range);
      } else {
        notDoneNow.remove(range);
      }
    }

    void checkDone(String collection) {
      String key = collection + "@" + startTime;
      if ("DONE".equals(state) && !notDoneNow.isEmpty() && reported.add(key)) {
        findings.add(
            Category.BACKWARDS,
            "copy of "
                + collection
                + " (T0 "
                + Times.format(startTime)
                + ") is DONE while ranges "
                + notDoneNow
                + " are not done");
      }
      notDoneNow.clear();
    }
  }

  private void sampleStatus() {
    Optional<JsonNode> status = daemon.status();
    if (status.isEmpty()) {
      return;
    }
    for (JsonNode c : status.get().path("collections")) {
      String name = c.path("collection").asText();
      String state = c.path("state").asText();
      String error = c.path("lastError").isNull() ? null : c.path("lastError").asText();
      JsonNode rebuild = c.path("rebuild");
      String rebuildState =
          rebuild.isNull() || rebuild.isMissingNode() ? null : rebuild.path("state").asText();
      String rebuildError =
          rebuildState == null || rebuild.path("lastError").isNull()
              ? null
              : rebuild.path("lastError").asText();
      changed(name + " state", state, () -> onState(name, state));
      if (state.equals("FAILED")) {
        changed(name + " failure", error == null ? "(none)" : error, () -> onFailed(name, error));
      } else {
        lastSeen.remove(name + " failure");
      }
      changed(
          name + " error", error, () -> history.record(Kind.STATE, name + " lastError: " + error));
      changed(
          name + " rebuild", rebuildState, () -> onRebuildState(name, rebuildState, rebuildError));
    }
  }

  private void changed(String what, String now, Runnable onChange) {
    String key = what;
    String before = lastSeen.get(key);
    if (!Objects.equals(before, now)) {
      lastSeen.put(key, now);
      onChange.run();
    }
  }

  private void onState(String name, String state) {
    history.record(Kind.STATE, name + ": " + state);
  }

  /** Called when a collection's state or error changes while it is FAILED. */
  private void onFailed(String name, String error) {
    if (expected.allows(name, error)) {
      history.record(
          Kind.CHECK, name + " FAILED as the schedule asked, with the documented message");
    } else {
      findings.add(
          Category.UNEXPECTED_FAILED,
          name
              + " FAILED"
              + (expected.isExpected(name) ? " (history loss expected, but another message)" : "")
              + ": "
              + error);
    }
  }

  private void onRebuildState(String name, String state, String error) {
    history.record(Kind.STATE, name + " rebuild: " + (state == null ? "none" : state));
    if ("FAILED".equals(state)) {
      findings.add(Category.UNEXPECTED_FAILED, name + " rebuild FAILED: " + error);
    }
  }

  private void restartIfDied() throws InterruptedException {
    if (daemon.lifecycle().isLocked() || !daemon.diedUnexpectedly()) {
      return;
    }
    findings.add(
        Category.DAEMON,
        "the daemon exited by itself with code " + daemon.exitCode() + "; starting it again");
    daemon.start("it had exited by itself");
  }

  private void closeConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        // already broken
      }
      connection = null;
    }
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    thread.interrupt();
    thread.join(10_000);
    closeConnection();
  }
}
