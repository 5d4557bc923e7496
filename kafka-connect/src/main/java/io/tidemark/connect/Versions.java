package io.tidemark.connect;

/** This build's version, as the plugin's jar manifest names it. */
final class Versions {
  private Versions() {}

  static String tidemark() {
    String version = Versions.class.getPackage().getImplementationVersion();
    return version == null ? "development build" : version;
  }
}
