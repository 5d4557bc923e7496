package io.tidemark.app;

import io.tidemark.app.cli.TidemarkCommand;
import io.tidemark.app.logging.LibraryLogging;

/** Entry point of {@code tidemark.jar}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    LibraryLogging.install();
    System.exit(TidemarkCommand.execute(args));
  }
}
