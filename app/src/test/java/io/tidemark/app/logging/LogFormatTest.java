package io.tidemark.app.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.read.ListAppender;
import io.tidemark.core.logging.LogContext;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The daemon's log format ({@code logback.xml}): library stack traces only at ERROR or DEBUG. */
class LogFormatTest {

  /** Formats one event with the daemon's logback.xml encoder, as it would print it. */
  @SuppressWarnings("unchecked")
  private static String logWithDaemonConfig(Level level, String message, Throwable thrown)
      throws Exception {
    LoggerContext context = new LoggerContext();
    try {
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(LogFormatTest.class.getResource("/logback.xml"));
      Logger logger = context.getLogger("com.zaxxer.hikari.pool.ProxyConnection");
      ConsoleAppender<ILoggingEvent> console =
          (ConsoleAppender<ILoggingEvent>)
              context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("STDERR");
      LoggingEvent event =
          new LoggingEvent(LogFormatTest.class.getName(), logger, level, message, thrown, null);
      // A context made by hand has no MDC adapter of its own: hand the event this thread's MDC,
      // as the running daemon's context does.
      java.util.Map<String, String> mdc = org.slf4j.MDC.getCopyOfContextMap();
      event.setMDCPropertyMap(mdc == null ? java.util.Map.of() : mdc);
      return new String(console.getEncoder().encode(event), StandardCharsets.UTF_8);
    } finally {
      context.stop();
    }
  }

  @Test
  void aLineNamesThePipelineAndCollectionOfTheThreadThatLoggedIt() throws Exception {
    try (LogContext.Scope scope = LogContext.open("shop", "orders")) {
      assertThat(logWithDaemonConfig(Level.INFO, "pause requested", null))
          .contains(" - [shop/orders] pause requested");
      try (LogContext.Scope inner = LogContext.open("shop", null)) {
        assertThat(logWithDaemonConfig(Level.INFO, "sink ready", null))
            .contains(" - [shop] sink ready");
      }
      assertThat(logWithDaemonConfig(Level.INFO, "resume requested", null))
          .as("the inner scope put the collection back")
          .contains(" - [shop/orders] resume requested");
    }
    assertThat(logWithDaemonConfig(Level.INFO, "outside", null)).contains(" - outside");
  }

  private static SQLException brokenConnection() {
    return new SQLException(
        "An I/O error occurred while sending to the backend.",
        "08006",
        new java.net.SocketException("Broken pipe"));
  }

  @Test
  void aLibrarysWarningWithAnExceptionIsOneLineEndingWithItsCause() throws Exception {
    String out = logWithDaemonConfig(Level.WARN, "Connection marked as broken", brokenConnection());

    assertThat(out.lines()).hasSize(1);
    assertThat(out)
        .contains("WARN")
        .contains(
            "Connection marked as broken (cause: SQLException: An I/O error occurred while"
                + " sending to the backend.; caused by SocketException: Broken pipe)")
        .doesNotContain("\tat ");
  }

  @Test
  void anErrorKeepsItsStackTrace() throws Exception {
    String out =
        logWithDaemonConfig(Level.ERROR, "stopped by an unexpected failure", brokenConnection());

    assertThat(out).contains("stopped by an unexpected failure").contains("\tat ");
    assertThat(out.lines().findFirst().orElseThrow()).doesNotContain("(cause:");
  }

  @Test
  void withDebugOnAWarningKeepsItsStackTrace() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Level before = root.getLevel();
    root.setLevel(Level.DEBUG);
    try {
      String out =
          logWithDaemonConfig(Level.WARN, "Connection marked as broken", brokenConnection());
      assertThat(out).contains("\tat ").contains("Caused by: java.net.SocketException");
    } finally {
      root.setLevel(before);
    }
  }

  @Test
  void javaUtilLoggingReachesSlf4j() {
    LibraryLogging.install();
    Logger target = (Logger) LoggerFactory.getLogger("org.postgresql.core.ConnectionFactory");
    ListAppender<ILoggingEvent> seen = new ListAppender<>();
    seen.start();
    target.addAppender(seen);
    try {
      java.util.logging.Logger.getLogger("org.postgresql.core.ConnectionFactory")
          .log(java.util.logging.Level.WARNING, "Failed to close stream", brokenConnection());
    } finally {
      target.detachAppender(seen);
    }
    assertThat(seen.list)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getLevel()).isEqualTo(Level.WARN);
              assertThat(e.getFormattedMessage()).isEqualTo("Failed to close stream");
              assertThat(e.getThrowableProxy().getClassName()).isEqualTo("java.sql.SQLException");
            });
  }
}
