package io.tidemark.core.config;

import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import java.util.ArrayList;
import java.util.List;

/** Collects every problem found in a configuration so that all are reported together. */
final class ConfigProblems {
  private final List<String> problems = new ArrayList<>();

  void add(String path, String message) {
    problems.add((path.isEmpty() ? "(top level)" : path) + ": " + message);
  }

  boolean isEmpty() {
    return problems.isEmpty();
  }

  void throwIfAny(String origin) {
    if (!problems.isEmpty()) {
      throw new TidemarkException(
          ErrorCode.CONFIG_INVALID,
          origin
              + " has "
              + problems.size()
              + (problems.size() == 1 ? " problem" : " problems")
              + ":\n  "
              + String.join("\n  ", problems));
    }
  }
}
