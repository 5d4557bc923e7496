package io.tidemark.it.contract;

import io.tidemark.harness.standin.StandInMongo;
import io.tidemark.it.fixture.MongoFixture;
import io.tidemark.it.fixture.inventory.CommandRecorder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.MongoDBContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The MongoDBs the contract suite runs against, each claim on each of them in turn:
 *
 * <ol>
 *   <li>{@code TIDEMARK_TEST_MONGO_URI}, when set;
 *   <li>Testcontainers single-node replica sets of the images in {@value #IMAGES_PROPERTY} (default
 *       {@value #DEFAULT_IMAGES}), when Docker runs; images asked for explicitly (the {@code
 *       real-mongo} profile) but without Docker become targets whose claims are all skipped, saying
 *       why;
 *   <li>the stand-in, always.
 * </ol>
 *
 * Started on first use, stopped when the JVM exits.
 */
public final class ContractTargets {
  static final String IMAGES_PROPERTY = "tidemark.test.contract.images";
  static final String DEFAULT_IMAGES = "mongo:7,mongo:8";

  private static final Logger log = LoggerFactory.getLogger(ContractTargets.class);
  private static List<ContractTarget> targets; // guarded by ContractTargets.class

  private ContractTargets() {}

  /** The targets, for {@code @MethodSource}. */
  public static synchronized List<ContractTarget> all() {
    if (targets == null) {
      targets = start();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(() -> targets.forEach(ContractTarget::stop), "contract-targets-stop"));
    }
    return targets;
  }

  private static List<ContractTarget> start() {
    List<ContractTarget> started = new ArrayList<>();
    String uri = System.getenv(MongoFixture.URI_VARIABLE);
    if (uri != null && !uri.isBlank()) {
      started.add(ContractTarget.server("env", uri, null));
    }
    String asked = System.getProperty(IMAGES_PROPERTY);
    List<String> images =
        Arrays.stream((asked == null || asked.isBlank() ? DEFAULT_IMAGES : asked).split(","))
            .map(String::trim)
            .filter(image -> !image.isEmpty())
            .toList();
    boolean docker = DockerClientFactory.instance().isDockerAvailable();
    for (String image : images) {
      if (docker) {
        MongoDBContainer container = new MongoDBContainer(DockerImageName.parse(image));
        container.start();
        started.add(ContractTarget.server(image, container.getConnectionString(), container::stop));
      } else if (asked != null) {
        log.warn("Contract suite: {} was asked for, but Docker is not available", image);
        started.add(
            ContractTarget.unavailable(image, "Docker is not available for Testcontainers"));
      }
    }
    if (!docker && asked == null) {
      log.warn(
          "Contract suite: no Docker, so the Testcontainers targets {} do not run; set {} or run"
              + " Docker to state the claims against a real MongoDB",
          images,
          MongoFixture.URI_VARIABLE);
    }
    started.add(
        ContractTarget.standIn(StandInMongo.start(CommandRecorder.shared().standInObserver())));
    return started;
  }
}
