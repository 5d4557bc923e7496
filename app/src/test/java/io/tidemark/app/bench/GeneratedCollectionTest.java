package io.tidemark.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.app.bench.BenchWorkload.Kind;
import io.tidemark.core.event.ChangeEvent;
import io.tidemark.core.event.Operation;
import io.tidemark.core.event.SourceDocument;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.spi.ChangeCursor;
import io.tidemark.core.spi.SnapshotCursor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GeneratedCollectionTest {
  private static final long ROWS = 1_000;
  private final BenchDocuments documents = new BenchDocuments(42);
  private final BenchWorkload workload = new BenchWorkload(ROWS, 100, 0.9, 42);

  @Test
  void theSnapshotResumesRightAfterItsMark() {
    GeneratedCollection c = new GeneratedCollection("c", documents, workload, 10, List.of());
    List<String> keys = new ArrayList<>();
    String mark;
    try (SnapshotCursor cursor = c.openSnapshot(null, null, null)) {
      for (int i = 0; i < 4; i++) {
        keys.add(cursor.next().key().text());
      }
      mark = cursor.markAfterLast();
    }
    try (SnapshotCursor cursor = c.openSnapshot(null, mark, null)) {
      SourceDocument doc;
      while ((doc = cursor.next()) != null) {
        keys.add(doc.key().text());
      }
    }
    assertThat(keys).hasSize(10).doesNotHaveDuplicates().isSorted();
  }

  @Test
  void itsSplitKeysMakeRangesThatCoverEveryDocumentOnce() {
    GeneratedCollection c = new GeneratedCollection("c", documents, workload, 10, List.of());
    List<String> splits = c.splitKeys(3);
    assertThat(splits).hasSize(2);
    List<String> keys = new ArrayList<>();
    for (int i = 0; i <= splits.size(); i++) {
      String after = i == 0 ? null : splits.get(i - 1);
      String upTo = i == splits.size() ? null : splits.get(i);
      try (SnapshotCursor cursor = c.openSnapshot(null, after, upTo)) {
        SourceDocument doc;
        while ((doc = cursor.next()) != null) {
          keys.add(doc.key().text());
        }
      }
    }
    assertThat(keys).hasSize(10).doesNotHaveDuplicates();
  }

  @Test
  void theStreamYieldsOnlyReleasedPhasesAndReopensAfterACommittedEvent() {
    GeneratedCollection c =
        new GeneratedCollection(
            "c", documents, workload, 0, List.of(Kind.INSERT_ONLY, Kind.DELETE_MIXED));
    ChangeCursor cursor = c.openStream(c.positionAt(c.captureOperationTime()));
    assertThat(cursor.tryNext()).as("nothing released yet").isNull();

    c.releaseNextPhase();
    List<ChangeEvent> first = new ArrayList<>();
    ChangeEvent e;
    while ((e = cursor.tryNext()) != null) {
      first.add(e);
    }
    assertThat(first).hasSize((int) ROWS).allMatch(x -> x.operation() == Operation.INSERT);
    assertThat(first.get(0).clusterTime())
        .isEqualTo(new ClusterTime(GeneratedCollection.BASE_SECONDS, 1));

    c.releaseNextPhase();
    ChangeEvent next = cursor.tryNext();
    ChangeCursor reopened = c.openStream(first.get(first.size() - 1).position());
    ChangeEvent again = reopened.tryNext();
    assertThat(again.position()).isEqualTo(next.position());
    assertThat(again.key()).isEqualTo(next.key());
    assertThat(again.operation()).isEqualTo(next.operation());
  }
}
