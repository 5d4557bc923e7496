package io.tidemark.core.event;

import java.util.Objects;

/**
 * The identity of a source document as the sink stores it: the text form of its {@code _id}. Two
 * documents MongoDB treats as the same have equal keys; the source decides the encoding.
 */
public record DocumentKey(String text) {
  public DocumentKey {
    Objects.requireNonNull(text, "text");
  }

  @Override
  public String toString() {
    return text;
  }
}
