package io.tidemark.sink.jdbc.write;

import io.tidemark.core.config.SinkConfig;
import io.tidemark.sink.jdbc.dialect.SqlDialect;
import java.util.OptionalInt;

/**
 * The socket timeout in effect on the sink's connections and the setting that decides it, so that a
 * message about a connection that went silent names the number and what to change.
 *
 * @param seconds the bound; 0 when connections wait forever, -1 when unknown (a data source the
 *     caller configured)
 * @param setting where an operator changes it
 */
record SocketTimeout(int seconds, String setting) {

  /** For a data source the caller opened and configured. */
  static final SocketTimeout OF_CALLERS_DATA_SOURCE =
      new SocketTimeout(-1, "the socket timeout of the data source");

  /**
   * The URL's {@code socketTimeout} when it sets one (it wins), else {@code sink.socketTimeout}.
   */
  static SocketTimeout of(SinkConfig config, SqlDialect dialect) {
    OptionalInt inUrl = dialect.socketTimeoutInUrl(config.jdbcUrl());
    if (inUrl.isPresent()) {
      return new SocketTimeout(inUrl.getAsInt(), "socketTimeout in sink.jdbcUrl");
    }
    return new SocketTimeout(configuredSeconds(config), "sink.socketTimeout");
  }

  /** {@link SinkConfig#socketTimeout} in the whole seconds the driver takes, rounded up. */
  static int configuredSeconds(SinkConfig config) {
    long millis = config.socketTimeout().toMillis();
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, (millis + 999) / 1000));
  }

  /** E.g. {@code 120 s (sink.socketTimeout)}. */
  String describe() {
    if (seconds < 0) {
      return setting;
    }
    return seconds + " s (" + setting + ")";
  }
}
