package io.tidemark.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.core.config.TidemarkConfig.AdminConfig;
import io.tidemark.core.config.TidemarkConfig.RetryConfig;
import io.tidemark.core.config.TidemarkConfig.SnapshotConfig;
import io.tidemark.core.config.TidemarkConfig.SourceConfig;
import io.tidemark.core.config.TidemarkConfig.StreamConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One masking function for every connection string Tidemark prints. */
class ConnectionStringsTest {

  @Test
  void jdbcPasswordParametersAreMaskedInAnyCaseAndWithEitherSeparator() {
    assertThat(
            ConnectionStrings.mask("jdbc:postgresql://h:5432/db?user=u&password=s3cret&ssl=true"))
        .isEqualTo("jdbc:postgresql://h:5432/db?user=u&password=***&ssl=true");
    assertThat(ConnectionStrings.mask("jdbc:postgresql://h/db?PassWord=s3cret"))
        .isEqualTo("jdbc:postgresql://h/db?PassWord=***");
    assertThat(ConnectionStrings.mask("jdbc:postgresql://h/db;user=u;password=s3cret;ssl=true"))
        .isEqualTo("jdbc:postgresql://h/db;user=u;password=***;ssl=true");
    assertThat(ConnectionStrings.mask("jdbc:postgresql://h/db?password=p@ss/w:rd&x=1"))
        .isEqualTo("jdbc:postgresql://h/db?password=***&x=1");
    // Every parameter that holds a password: pgjdbc's key password, MongoDB's key file password.
    assertThat(ConnectionStrings.mask("jdbc:postgresql://h/db?sslpassword=k3y&sslmode=verify-full"))
        .isEqualTo("jdbc:postgresql://h/db?sslpassword=***&sslmode=verify-full");
    assertThat(ConnectionStrings.mask("jdbc:postgresql://h/db"))
        .isEqualTo("jdbc:postgresql://h/db");
  }

  @Test
  void userInformationIsMaskedInMongoDbUris() {
    assertThat(ConnectionStrings.mask("mongodb://app:s3cret@h1:27017,h2:27017/?replicaSet=rs0"))
        .isEqualTo("mongodb://app:***@h1:27017,h2:27017/?replicaSet=rs0");
    assertThat(ConnectionStrings.mask("mongodb+srv://app:s3cret@cluster0.example.net/shop"))
        .isEqualTo("mongodb+srv://app:***@cluster0.example.net/shop");
    // Characters the password should have had percent-encoded still do not leak.
    assertThat(ConnectionStrings.mask("mongodb://app:p@ss/w:rd@h1/shop"))
        .isEqualTo("mongodb://app:***@h1/shop");
    assertThat(
            ConnectionStrings.mask(
                "mongodb://app:s3cret@h1/?tls=true&tlsCertificateKeyFilePassword=k3y"))
        .isEqualTo("mongodb://app:***@h1/?tls=true&tlsCertificateKeyFilePassword=***");
    assertThat(ConnectionStrings.mask("mongodb://h1:27017/shop"))
        .isEqualTo("mongodb://h1:27017/shop");
    assertThat(ConnectionStrings.mask("mongodb://app@h1/?authMechanism=MONGODB-X509"))
        .isEqualTo("mongodb://app@h1/?authMechanism=MONGODB-X509");
    assertThat(ConnectionStrings.mask(null)).isNull();
  }

  @Test
  void theConfigurationPrintsNoSecret() {
    TidemarkConfig config =
        new TidemarkConfig(
            "p",
            new SourceConfig("mongodb+srv://app:mongo-secret@cluster0.example.net/shop", "shop"),
            new SinkConfig(
                "jdbc:postgresql://h/db?user=u&password=url-secret",
                "u",
                "sink-secret",
                "public",
                "tidemark",
                4),
            List.of(),
            new SnapshotConfig(1000, 2),
            new StreamConfig(100, 1000, Duration.ofMillis(200), Duration.ofSeconds(5), 10, 100),
            new RetryConfig(Duration.ofMillis(500), Duration.ofSeconds(30), 2),
            new AdminConfig(8089, "127.0.0.1", "admin-secret"));

    assertThat(config.toString())
        .doesNotContain("mongo-secret")
        .doesNotContain("url-secret")
        .doesNotContain("sink-secret")
        .doesNotContain("admin-secret")
        .contains("mongodb+srv://app:***@cluster0.example.net/shop")
        .contains("jdbc:postgresql://h/db?user=u&password=***");
  }
}
