package io.tidemark.app.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.tidemark.core.logging.LogContext;
import java.util.Map;

/**
 * {@code %tmContext} in {@code logback.xml}: the pipeline and collection a line is about, from
 * {@link LogContext}, as {@code [pipeline/collection] } ({@code [pipeline] } for work of the whole
 * pipeline, nothing outside one), so every line of a collection can be found with one grep.
 */
public final class ContextConverter extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    return format(event.getMDCPropertyMap());
  }

  static String format(Map<String, String> mdc) {
    String pipeline = mdc.get(LogContext.PIPELINE);
    String collection = mdc.get(LogContext.COLLECTION);
    if (pipeline == null && collection == null) {
      return "";
    }
    StringBuilder out = new StringBuilder("[");
    if (pipeline != null) {
      out.append(pipeline);
    }
    if (collection != null) {
      out.append(pipeline == null ? "" : "/").append(collection);
    }
    return out.append("] ").toString();
  }
}
