package io.tidemark.app.deadletter;

import io.tidemark.core.config.TidemarkConfig;
import io.tidemark.core.event.DocumentKey;
import io.tidemark.core.mapping.RowMapper;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.mapping.ValueRejectedException;
import io.tidemark.core.spi.ChangeSink.Target;
import io.tidemark.core.spi.RowChange;
import io.tidemark.core.spi.TableSink;
import io.tidemark.sink.jdbc.write.JdbcChangeSink;
import io.tidemark.sink.jdbc.write.JdbcChangeSink.DeadLetterEntry;
import io.tidemark.source.mongo.MongoChangeSource;
import io.tidemark.source.mongo.convert.BsonSourceDocument;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Retries the dead letters of a pipeline after its mapping was fixed. Each document is read again
 * from MongoDB by {@code _id} — the stored copy may be older than the document's current state —
 * and mapped with the current configuration: a document that fits now is written and its dead
 * letter removed, in one transaction; a document that no longer exists removes its row; one that
 * still does not fit keeps its dead letter. The collection's stream position is not moved.
 *
 * <p>Takes the pipeline's writer lock, so it refuses to run beside a daemon.
 */
public final class DeadLetterReplay {
  private static final int PAGE = 500;

  /** What happened to one collection's dead letters. */
  public record Outcome(
      String collection, int written, int deleted, int stillFailing, List<String> reasons) {
    public Outcome {
      reasons = List.copyOf(reasons);
    }
  }

  private DeadLetterReplay() {}

  public static List<Outcome> run(TidemarkConfig config, String onlyCollection) {
    List<Outcome> outcomes = new ArrayList<>();
    try (JdbcChangeSink sink = JdbcChangeSink.openWriter(config.sink(), config.pipeline())) {
      try (MongoChangeSource source = MongoChangeSource.open(config.source())) {
        for (TableMapping mapping : config.collections()) {
          if (onlyCollection == null || onlyCollection.equals(mapping.collection())) {
            TableSink live = sink.open(mapping, Target.LIVE);
            outcomes.add(replay(live, sink, source));
          }
        }
      }
    }
    return outcomes;
  }

  private static Outcome replay(TableSink live, JdbcChangeSink sink, MongoChangeSource source) {
    TableMapping mapping = live.mapping();
    RowMapper mapper = new RowMapper(mapping);
    int written = 0;
    int deleted = 0;
    int failing = 0;
    List<String> reasons = new ArrayList<>();
    long after = 0;
    List<DeadLetterEntry> page;
    do {
      page = sink.readDeadLetters(mapping.collection(), after, PAGE);
      // One change per key: a document dead-lettered twice is written once, both letters go.
      Map<DocumentKey, RowChange> changes = new LinkedHashMap<>();
      List<Long> replayed = new ArrayList<>();
      for (DeadLetterEntry letter : page) {
        after = letter.id();
        Optional<BsonSourceDocument> current =
            source.findCurrent(mapping.collection(), letter.document());
        try {
          if (current.isPresent()) {
            changes.put(current.get().key(), new RowChange.Upsert(mapper.map(current.get())));
          } else {
            DocumentKey key = new DocumentKey(letter.documentKey());
            changes.put(key, new RowChange.Delete(key));
          }
          replayed.add(letter.id());
        } catch (ValueRejectedException e) {
          failing++;
          if (reasons.size() < 5) {
            reasons.add(e.describe(mapping.collection(), letter.documentKey()));
          }
        }
      }
      if (!replayed.isEmpty()) {
        List<RowChange> list = new ArrayList<>(changes.values());
        sink.replayDeadLetters(live, list, replayed.stream().mapToLong(Long::longValue).toArray());
        for (RowChange c : list) {
          if (c instanceof RowChange.Delete) {
            deleted++;
          } else {
            written++;
          }
        }
      }
    } while (page.size() == PAGE);
    return new Outcome(mapping.collection(), written, deleted, failing, reasons);
  }
}
