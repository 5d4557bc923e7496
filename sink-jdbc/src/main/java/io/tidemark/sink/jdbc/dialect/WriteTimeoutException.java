package io.tidemark.sink.jdbc.dialect;

import java.net.SocketTimeoutException;

/**
 * A write to the database that could send nothing for the socket timeout: the peer's window stayed
 * closed (a network that vanished without a reset, or a database that stopped reading). The JDK
 * bounds reads with {@code SO_TIMEOUT} but not writes; a dialect's sockets throw this instead, so
 * that a caller can tell it from a read that timed out.
 */
public final class WriteTimeoutException extends SocketTimeoutException {

  private static final long serialVersionUID = 1L;

  public WriteTimeoutException(String message) {
    super(message);
  }
}
