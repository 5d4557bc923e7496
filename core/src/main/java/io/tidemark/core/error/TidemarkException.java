package io.tidemark.core.error;

/**
 * The one exception type Tidemark throws for expected failures. The message is written for a human:
 * what failed, where, the live numbers and the fix. {@link #databaseCode()} carries the database's
 * own code (SQLSTATE, MongoDB error code) when there is one.
 */
public class TidemarkException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final String databaseCode;

  public TidemarkException(ErrorCode code, String message) {
    this(code, message, null, null);
  }

  public TidemarkException(ErrorCode code, String message, Throwable cause) {
    this(code, message, null, cause);
  }

  public TidemarkException(ErrorCode code, String message, String databaseCode, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.databaseCode = databaseCode;
  }

  public ErrorCode code() {
    return code;
  }

  public boolean retriable() {
    return code.retriable();
  }

  /** SQLSTATE or MongoDB error code of the underlying failure, or null. */
  public String databaseCode() {
    return databaseCode;
  }
}
