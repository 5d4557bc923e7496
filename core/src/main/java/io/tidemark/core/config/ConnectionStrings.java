package io.tidemark.core.config;

import java.util.regex.Pattern;

/**
 * Hides credentials before they reach a log line, a {@code toString} or an error message. The one
 * place that knows what a secret looks like: every module prints connection strings and secret
 * settings through it.
 */
public final class ConnectionStrings {

  /** What a hidden value prints as. */
  public static final String HIDDEN = "***";

  /**
   * A parameter whose name ends in {@code password}, in any case, after {@code ?}, {@code &} or
   * {@code ;}: pgjdbc's {@code password} and {@code sslpassword}, MongoDB's {@code
   * tlsCertificateKeyFilePassword}. Its value runs to the next {@code &} or {@code ;}.
   */
  private static final Pattern PASSWORD_PARAMETER =
      Pattern.compile("(?i)((?:^|[?&;])[^=?&;]*password=)[^&;]*");

  private ConnectionStrings() {}

  /**
   * The connection string with every password hidden: {@code password=} parameters ({@code
   * jdbc:postgresql://h/db?user=u&password=***}) and the password of the user information ({@code
   * mongodb://user:***@host}, {@code mongodb+srv://user:***@cluster}). A password the URI should
   * have percent-encoded ({@code @ / : ?}) is hidden whole; when in doubt, more is hidden rather
   * than less.
   */
  public static String mask(String connectionString) {
    if (connectionString == null) {
      return null;
    }
    String masked = PASSWORD_PARAMETER.matcher(connectionString).replaceAll("$1" + HIDDEN);
    int scheme = masked.indexOf("://");
    if (scheme < 0) {
      return masked;
    }
    int start = scheme + 3;
    // The last '@': an unencoded '@' in the password must not end the user information early.
    int at = masked.lastIndexOf('@');
    int colon = masked.indexOf(':', start);
    if (at < start || colon < 0 || colon > at) {
      return masked; // no user information, or a user without a password
    }
    return masked.substring(0, colon + 1) + HIDDEN + masked.substring(at);
  }

  /** A secret setting (a password, a token) as printed: hidden when set, {@code none} when not. */
  public static String secret(String value) {
    return value == null ? "none" : HIDDEN;
  }
}
