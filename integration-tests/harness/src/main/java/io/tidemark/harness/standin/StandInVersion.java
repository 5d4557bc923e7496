package io.tidemark.harness.standin;

import de.bwaldvogel.mongo.MongoVersion;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The MongoDB version the stand-in claims ({@code buildInfo}, and the wire version of its hello
 * reply), and the version-dependent features it honours accordingly: what a real server of that
 * version refuses, the stand-in refuses with the same code.
 *
 * <p>Wire versions: 4.2 is 8, 4.4 is 9, 5.0 is 13 ({@code source/wireversion-featurelist.md} in
 * {@code mongodb/specifications}); from 5.1 on, one more per release since 4.0 ({@code
 * src/mongo/util/version/releases.yml}), so 6.0 is 17, 7.0 is 21, 8.0 is 25, as the Java driver
 * numbers them too ({@code ServerVersionHelper} in {@code mongodb/mongo-java-driver}).
 */
public record StandInVersion(int major, int minor, int patch) implements MongoVersion {

  private static final Pattern NUMBERS = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)");

  private static final Map<String, Integer> WIRE_VERSIONS =
      Map.ofEntries(
          Map.entry("4.2", 8),
          Map.entry("4.4", 9),
          Map.entry("5.0", 13),
          Map.entry("5.1", 14),
          Map.entry("5.2", 15),
          Map.entry("5.3", 16),
          Map.entry("6.0", 17),
          Map.entry("6.1", 18),
          Map.entry("6.2", 19),
          Map.entry("6.3", 20),
          Map.entry("7.0", 21),
          Map.entry("7.1", 22),
          Map.entry("7.2", 23),
          Map.entry("7.3", 24),
          Map.entry("8.0", 25));

  // After WIRE_VERSIONS, which the constructor reads.
  /** What the stand-in claims unless told otherwise: the release Testcontainers tests use. */
  public static final StandInVersion DEFAULT = new StandInVersion(7, 0, 0);

  public StandInVersion {
    if (!WIRE_VERSIONS.containsKey(major + "." + minor) || patch < 0) {
      throw new IllegalArgumentException(
          "the stand-in can claim MongoDB 4.2 to 8.0 (releases with a known wire version), not "
              + major
              + "."
              + minor
              + "."
              + patch);
    }
  }

  /** Parses {@code "6.0.9"}. */
  public static StandInVersion parse(String text) {
    Matcher m = NUMBERS.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a MongoDB version such as 7.0.0: " + text);
    }
    return new StandInVersion(
        Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
  }

  @Override
  public List<Integer> getVersionArray() {
    return List.of(major, minor, patch);
  }

  @Override
  public int getWireVersion() {
    return WIRE_VERSIONS.get(major + "." + minor);
  }

  /** At least {@code major.minor}. */
  public boolean atLeast(int atLeastMajor, int atLeastMinor) {
    return major > atLeastMajor || (major == atLeastMajor && minor >= atLeastMinor);
  }

  /**
   * {@code $changeStreamSplitLargeEvent}: "New in MongoDB 7.0 (and 6.0.9)" (manual: {@code
   * reference/operator/aggregation/changeStreamSplitLargeEvent}).
   */
  public boolean hasSplitLargeEventStage() {
    return atLeast(7, 0) || (major == 6 && minor == 0 && patch >= 9);
  }

  /**
   * {@code showExpandedEvents}, {@code fullDocumentBeforeChange} and the {@code fullDocument} modes
   * {@code whenAvailable} and {@code required}: new in 6.0 (manual: {@code
   * reference/operator/aggregation/changeStream}).
   */
  public boolean hasChangeStreamOptionsOf60() {
    return atLeast(6, 0);
  }

  @Override
  public String toString() {
    return major + "." + minor + "." + patch;
  }
}
