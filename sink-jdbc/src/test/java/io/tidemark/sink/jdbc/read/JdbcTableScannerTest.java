package io.tidemark.sink.jdbc.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.core.config.SinkConfig;
import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.event.DocumentKey;
import io.tidemark.core.mapping.MappedRow;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.spi.SinkReader;
import io.tidemark.core.spi.TableScanner;
import io.tidemark.sink.jdbc.TestDatabase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sink's read side: what verify reads a table back with. */
class JdbcTableScannerTest {
  private static final TestDatabase db = TestDatabase.shared();
  private static final int ROWS = 300;

  private final String schema = TestDatabase.freshName("scan");
  private final TableMapping mapping = TableMapping.defaultFor("orders", "orders");

  @BeforeEach
  void fillTable() {
    db.execute("CREATE SCHEMA " + schema);
    db.execute("CREATE TABLE " + schema + ".orders (_id text PRIMARY KEY, doc jsonb)");
    db.execute(
        "INSERT INTO "
            + schema
            + ".orders SELECT 'o' || i, jsonb_build_object('_id', 'o' || i, 'n', i)"
            + " FROM generate_series(1, "
            + ROWS
            + ") i");
  }

  private SinkReader reader() {
    return JdbcSinkReader.open(db.config(schema, schema + "_meta"), "tidemark-test");
  }

  @Test
  void aTableReadsBackAsTheCellsOfTheRowsTidemarkWrites() {
    try (SinkReader reader = reader()) {
      TableScanner table = reader.scanner(mapping);
      Map<String, String[]> scanned = new HashMap<>();
      table.scan(scanned::put);

      assertThat(table.exists()).isTrue();
      assertThat(table.table()).isEqualTo("\"" + schema + "\".\"orders\"");
      assertThat(table.cellNames()).containsExactly("doc");
      assertThat(scanned).hasSize(ROWS);
      // Another spelling of the same JSON (key order, spaces, 7.0 for 7) is the same cell.
      MappedRow written =
          new MappedRow(
              new DocumentKey("o7"), new String[] {"o7", "{\"n\": 7.0, \"_id\": \"o7\"}"});
      assertThat(table.cells(written)).containsExactly(scanned.get("o7"));
      MappedRow other =
          new MappedRow(new DocumentKey("o7"), new String[] {"o7", "{\"_id\": \"o7\", \"n\": 8}"});
      assertThat(table.cells(other)).doesNotContain(scanned.get("o7"));
    }
  }

  @Test
  void aScanByBucketReadsExactlyTheKeysWhoseBucketTheDatabaseComputesAsJavaDoes() {
    int bits = 4;
    int[] buckets = {1, 5, 14};
    Set<Integer> wanted = Set.of(1, 5, 14);
    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= ROWS; i++) {
      if (wanted.contains(TableScanner.bucketOf("o" + i, bits))) {
        expected.add("o" + i);
      }
    }
    try (SinkReader reader = reader()) {
      List<String> read = new ArrayList<>();
      reader.scanner(mapping).scanBuckets(bits, buckets, (key, cells) -> read.add(key));

      assertThat(expected).isNotEmpty().hasSizeLessThan(ROWS);
      assertThat(read).containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  @Test
  void aFetchByKeyLeavesOutKeysWithNoRow() {
    try (SinkReader reader = reader()) {
      Map<String, String[]> fetched = reader.scanner(mapping).fetch(List.of("o1", "o2", "ghost"));

      assertThat(fetched).containsOnlyKeys("o1", "o2");
    }
  }

  @Test
  void aMissingTableIsSaidSoAndAnUnreachableDatabaseNamesTheSettingsToCheck() {
    try (SinkReader reader = reader()) {
      assertThat(reader.scanner(TableMapping.defaultFor("gone", "gone")).exists()).isFalse();
    }
    SinkConfig nowhere =
        new SinkConfig("jdbc:postgresql://127.0.0.1:1/x", "u", "secret", "s", "m", 1);
    assertThatThrownBy(() -> JdbcSinkReader.open(nowhere, "tidemark-test"))
        .isInstanceOfSatisfying(
            TidemarkException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.SINK_UNAVAILABLE))
        .hasMessageContaining("could not connect at jdbc:postgresql://127.0.0.1:1/x")
        .hasMessageContaining("Check sink.jdbcUrl")
        .hasMessageNotContaining("secret");
  }
}
