package io.tidemark.app.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** One line describing the machine and the JVM, for the report's header. */
final class Machine {
  private Machine() {}

  static String describe() {
    long ram = 0;
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      ram = sun.getTotalMemorySize();
    }
    return String.format(
        Locale.ROOT,
        "%d CPUs (%s), %.1f GB RAM, %s %s, Java %s (%s), max heap %d MB",
        Runtime.getRuntime().availableProcessors(),
        cpuModel(),
        ram / 1e9,
        System.getProperty("os.name"),
        System.getProperty("os.version"),
        System.getProperty("java.version"),
        System.getProperty("java.vm.name"),
        Runtime.getRuntime().maxMemory() / (1024 * 1024));
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux: the model is only decoration.
    }
    return "model unknown";
  }
}
