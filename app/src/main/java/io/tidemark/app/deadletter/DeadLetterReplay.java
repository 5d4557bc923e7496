package io.tidemark.app.deadletter;

import io.tidemark.core.config.TidemarkConfig;
import io.tidemark.core.event.DocumentKey;
import io.tidemark.core.event.SourceDocument;
import io.tidemark.core.mapping.RowMapper;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.mapping.ValueRejectedException;
import io.tidemark.core.spi.ChangeSink.Target;
import io.tidemark.core.spi.ChangeSource;
import io.tidemark.core.spi.CollectionSource;
import io.tidemark.core.spi.RowChange;
import io.tidemark.core.spi.TableSink;
import io.tidemark.sink.jdbc.write.JdbcChangeSink;
import io.tidemark.sink.jdbc.write.JdbcChangeSink.DeadLetterEntry;
import io.tidemark.source.mongo.MongoChangeSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Retries the dead letters of a pipeline after its mapping was fixed. Each document is read again
 * from the source by its key ({@link CollectionSource#lookup}, a page of letters at a time) — the
 * stored copy may be older than the document's current state — and mapped with the current
 * configuration: a document that fits now is written and its dead letter removed, in one
 * transaction; a document that no longer exists removes its row; one that still does not fit keeps
 * its dead letter. The collection's stream position is not moved.
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
      try (ChangeSource source = MongoChangeSource.open(config.source())) {
        for (TableMapping mapping : config.collections()) {
          if (onlyCollection == null || onlyCollection.equals(mapping.collection())) {
            TableSink live = sink.open(mapping, Target.LIVE);
            outcomes.add(replay(live, sink, source.collection(mapping.collection())));
          }
        }
      }
    }
    return outcomes;
  }

  private static Outcome replay(TableSink live, JdbcChangeSink sink, CollectionSource source) {
    TableMapping mapping = live.mapping();
    RowMapper mapper = new RowMapper(mapping, sink.valueEncoding());
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
      Map<String, SourceDocument> current = currentDocuments(source, page);
      for (DeadLetterEntry letter : page) {
        after = letter.id();
        SourceDocument document = current.get(letter.documentKey());
        try {
          if (document != null) {
            changes.put(document.key(), new RowChange.Upsert(mapper.map(document)));
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

  /** The current documents of a page of letters, by key text; one lookup for the page. */
  private static Map<String, SourceDocument> currentDocuments(
      CollectionSource source, List<DeadLetterEntry> page) {
    List<DocumentKey> keys = new ArrayList<>(page.size());
    for (DeadLetterEntry letter : page) {
      keys.add(new DocumentKey(letter.documentKey()));
    }
    Map<String, SourceDocument> byKey = new HashMap<>();
    for (SourceDocument document : source.lookup(keys)) {
      byKey.put(document.key().text(), document);
    }
    return byKey;
  }
}
