package io.tidemark.app.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tidemark.core.pipeline.CollectionStatus;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.Position;
import java.time.Instant;
import java.util.List;

/**
 * The JSON form of collection statuses, shared by {@code /status} and {@code /health} and read back
 * by {@code tidemark status}. Field names are part of the admin API: documented in
 * docs/operations.md, changed only compatibly.
 */
final class StatusJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private StatusJson() {}

  static ObjectNode pipeline(
      String pipeline, AdminBackend.Role role, List<CollectionStatus> statuses) {
    ObjectNode root = NODES.objectNode();
    root.put("pipeline", pipeline);
    root.put("role", role.name());
    root.put("time", Instant.now().toString());
    ArrayNode collections = root.putArray("collections");
    for (CollectionStatus s : statuses) {
      collections.add(collection(s));
    }
    return root;
  }

  static ObjectNode collection(CollectionStatus s) {
    ObjectNode node = NODES.objectNode();
    node.put("collection", s.collection());
    node.put("table", s.table());
    node.put("state", s.state().name());
    node.put("rowsCopied", s.rowsCopied());
    node.put("rowsEstimated", s.rowsEstimated());
    node.put("copyRatePerSecond", Math.round(s.copyRatePerSecond() * 10) / 10.0);
    putUnlessNegative(node, "copyEtaSeconds", s.copyEtaSeconds());
    node.put("eventsApplied", s.eventsApplied());
    node.put("deadLetters", s.deadLetters());
    putUnlessNegative(node, "lagSeconds", s.lagSeconds());
    node.set("checkpoint", checkpoint(s.position()));
    node.put("lastCommitAt", s.lastCommitAt() == null ? null : s.lastCommitAt().toString());
    node.put("lastError", s.lastError());
    node.set("rebuild", s.rebuild() == null ? NODES.nullNode() : collection(s.rebuild()));
    return node;
  }

  private static ObjectNode checkpoint(Position position) {
    if (position == null) {
      return null;
    }
    ClusterTime t = position.clusterTime();
    ObjectNode node = NODES.objectNode();
    node.put("clusterTime", t.seconds() + "." + t.increment());
    node.put("time", t.toInstant().toString());
    return node;
  }

  private static void putUnlessNegative(ObjectNode node, String field, long value) {
    if (value < 0) {
      node.putNull(field);
    } else {
      node.put(field, value);
    }
  }
}
