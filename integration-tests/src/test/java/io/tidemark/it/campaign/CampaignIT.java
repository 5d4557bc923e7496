package io.tidemark.it.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The randomized fault campaign (docs/campaign.md). Inside {@code ./mvnw verify} it runs the short
 * campaign (a few fixed seeds, a minute or two in all); with {@code -Pcampaign} it runs as many
 * seeds, as long, as the {@code campaign.*} properties say. Prints one line per run and a summary,
 * also written to {@code target/campaign/runs.txt} and {@code summary.txt}, and fails when a run
 * found anything, naming the seed, the finding, the history file and the command that runs the seed
 * again.
 */
class CampaignIT {

  @Test
  void everyRunConvergesWithNothingLostNothingDuplicatedNothingStale() throws Exception {
    CampaignSettings settings = CampaignSettings.fromSystemProperties();
    Files.createDirectories(settings.dir());
    Path runLines = settings.dir().resolve("runs.txt");
    Files.deleteIfExists(runLines);
    List<RunResult> results = new ArrayList<>();
    try (RestartablePostgres postgres =
        RestartablePostgres.create(settings.dir().resolve("postgres"))) {
      List<CampaignSettings> runs = new ArrayList<>();
      for (long seed : settings.seeds()) {
        runs.add(settings.forRun(seed, settings.seconds(), settings.faults()));
      }
      runs.addAll(RegressionSeeds.active(settings));
      for (CampaignSettings run : runs) {
        RunResult result = new CampaignRun(run.seeds().get(0), run, postgres).run();
        results.add(result);
        System.out.println("[campaign] " + result.line());
        Files.writeString(
            runLines,
            result.line() + System.lineSeparator(),
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      }
    }
    String summary = CampaignSummary.text(results, settings);
    System.out.println("[campaign] " + summary);
    Files.writeString(settings.dir().resolve("summary.txt"), summary, StandardCharsets.UTF_8);
    assertThat(results).as(summary).allMatch(RunResult::passed);
  }
}
