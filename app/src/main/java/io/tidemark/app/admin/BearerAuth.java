package io.tidemark.app.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Checks the {@code Authorization: Bearer <token>} header in constant time: both sides are hashed
 * first, so neither the content nor the length of the expected token leaks through timing.
 */
final class BearerAuth {
  private static final String PREFIX = "Bearer ";

  /** Null when no token is configured: every request passes. */
  private final byte[] expectedDigest;

  BearerAuth(String token) {
    this.expectedDigest = token == null || token.isEmpty() ? null : sha256(token);
  }

  boolean required() {
    return expectedDigest != null;
  }

  /**
   * @param header the Authorization header's value, or null when absent
   */
  boolean allows(String header) {
    if (expectedDigest == null) {
      return true;
    }
    String given =
        header != null && header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())
            ? header.substring(PREFIX.length()).trim()
            : "";
    // Always compare, even for a missing header, so that the time taken says nothing.
    boolean same = MessageDigest.isEqual(expectedDigest, sha256(given));
    return same && !given.isEmpty();
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
