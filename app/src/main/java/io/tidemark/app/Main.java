package io.tidemark.app;

import io.tidemark.app.cli.TidemarkCommand;

/** Entry point of {@code tidemark.jar}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(TidemarkCommand.execute(args));
  }
}
