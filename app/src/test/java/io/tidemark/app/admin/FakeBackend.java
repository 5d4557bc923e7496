package io.tidemark.app.admin;

import io.tidemark.core.pipeline.CollectionState;
import io.tidemark.core.pipeline.CollectionStatus;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.Position;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A daemon surface for the admin API tests: collections whose status the test sets. */
final class FakeBackend implements AdminBackend {
  final Map<String, FakeCollection> collections = new LinkedHashMap<>();
  final List<String> calls = java.util.Collections.synchronizedList(new ArrayList<>());
  String metrics = "# HELP tidemark_events_applied_total x\ntidemark_events_applied_total 3.0\n";

  FakeBackend with(String name, CollectionState state) {
    collections.put(name, new FakeCollection(name, state));
    return this;
  }

  Role role = Role.WRITER;

  @Override
  public String pipeline() {
    return "fake";
  }

  @Override
  public Role role() {
    return role;
  }

  @Override
  public List<CollectionStatus> status() {
    return collections.values().stream().map(FakeCollection::status).toList();
  }

  @Override
  public String scrapeMetrics() {
    return metrics;
  }

  @Override
  public Optional<CollectionControl> collection(String name) {
    return Optional.ofNullable(collections.get(name));
  }

  static CollectionStatus status(String name, CollectionState state) {
    return new CollectionStatus(
        name,
        name + "_table",
        state,
        500,
        1000,
        250.0,
        42,
        1,
        new Position("token", new ClusterTime(Instant.now().getEpochSecond() - 3, 7)),
        Instant.parse("2024-05-01T10:00:00Z"),
        state == CollectionState.FAILED ? "history lost" : null,
        null);
  }

  final class FakeCollection implements CollectionControl {
    final String name;
    volatile CollectionStatus status;
    boolean rebuilding;

    FakeCollection(String name, CollectionState state) {
      this.name = name;
      this.status = FakeBackend.status(name, state);
    }

    @Override
    public CollectionStatus status() {
      return status;
    }

    @Override
    public void pause() {
      calls.add("pause " + name);
    }

    @Override
    public void resume() {
      calls.add("resume " + name);
    }

    @Override
    public boolean requestResnapshot() {
      calls.add("resnapshot " + name);
      if (rebuilding) {
        return false;
      }
      rebuilding = true;
      return true;
    }
  }
}
