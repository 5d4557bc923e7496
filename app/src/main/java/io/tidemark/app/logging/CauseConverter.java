package io.tidemark.app.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %tmCause} in {@code logback.xml}: a line's exception as a short cause at the end of the
 * line, when {@link StackTraceConverter} prints no stack trace for it.
 */
public final class CauseConverter extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    return StackTraceConverter.cause(event);
  }
}
