package io.tidemark.app.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.pattern.ThrowableHandlingConverter;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import org.slf4j.LoggerFactory;

/**
 * Where a log line's exception goes ({@code %tmStack} in {@code logback.xml}): its whole stack
 * trace for an ERROR (a bug to report) or when the daemon logs at DEBUG ({@code --debug}),
 * otherwise a one-line cause at the end of the line.
 *
 * <p>Why: Tidemark logs each failure once, on one line that says what to do; the libraries it runs
 * on (HikariCP marking a connection broken, pgjdbc closing a dead socket) log the same failure
 * again at WARN with a 40-line trace, which buries the line that matters and looks like a crash to
 * an operator. The trace is still one flag away.
 */
public final class StackTraceConverter extends ThrowableHandlingConverter {
  private final ThrowableProxyConverter full = new ThrowableProxyConverter();

  @Override
  public void start() {
    full.setContext(getContext());
    full.start();
    super.start();
  }

  @Override
  public void stop() {
    full.stop();
    super.stop();
  }

  @Override
  public String convert(ILoggingEvent event) {
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown == null) {
      return "";
    }
    if (wantsStackTrace(event)) {
      return full.convert(event);
    }
    return "";
  }

  /** The one-line form: {@code (cause: Class: message)}, empty when a trace is printed instead. */
  static String cause(ILoggingEvent event) {
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown == null || wantsStackTrace(event)) {
      return "";
    }
    StringBuilder line = new StringBuilder(" (cause: ");
    for (IThrowableProxy t = thrown; t != null; t = t.getCause()) {
      if (t != thrown) {
        line.append("; caused by ");
      }
      line.append(simpleName(t.getClassName()));
      if (t.getMessage() != null) {
        line.append(": ").append(firstLine(t.getMessage()));
      }
    }
    return line.append(')').toString();
  }

  private static boolean wantsStackTrace(ILoggingEvent event) {
    return event.getLevel().isGreaterOrEqual(Level.ERROR)
        || LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).isDebugEnabled();
  }

  private static String simpleName(String className) {
    return className.substring(className.lastIndexOf('.') + 1);
  }

  private static String firstLine(String message) {
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).strip();
  }
}
