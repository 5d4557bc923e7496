package io.tidemark.app.cli;

import picocli.CommandLine.IVersionProvider;

/** Reads the version from the jar manifest. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = TidemarkCommand.class.getPackage().getImplementationVersion();
    return new String[] {"tidemark " + (version == null ? "(development build)" : version)};
  }
}
