package io.tidemark.core.config;

/** Hides credentials in connection strings before they reach a log line or an error message. */
public final class ConnectionStrings {
  private ConnectionStrings() {}

  /** {@code mongodb://user:secret@host} becomes {@code mongodb://user:***@host}. */
  public static String mask(String uri) {
    if (uri == null) {
      return null;
    }
    String masked = uri.replaceAll("(://[^:/@]+):[^@/]*@", "$1:***@");
    return masked.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }
}
