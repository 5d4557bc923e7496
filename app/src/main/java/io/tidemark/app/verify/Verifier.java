package io.tidemark.app.verify;

import io.tidemark.core.config.TidemarkConfig;
import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.mapping.RowMapper;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.position.Position;
import io.tidemark.core.spi.ChangeSink.CollectionProgress;
import io.tidemark.core.spi.ChangeSink.SnapshotState;
import io.tidemark.core.spi.ChangeSink.Target;
import io.tidemark.core.spi.ChangeSource;
import io.tidemark.core.spi.CollectionSource;
import io.tidemark.core.spi.SinkReader;
import io.tidemark.core.spi.TableScanner;
import io.tidemark.core.spi.TableSink;
import io.tidemark.sink.jdbc.read.JdbcSinkReader;
import io.tidemark.sink.jdbc.write.JdbcChangeSink;
import io.tidemark.source.mongo.MongoChangeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code tidemark verify}: compares every configured collection with its table (see {@link
 * CollectionVerifier} for how, in bounded memory) and, with repair, re-copies the differing keys
 * through the normal sink path at each collection's committed position, so the checkpoint does not
 * move. Both databases are reached through the engine's interfaces: the source's collections (copy
 * cursor, lookup by key) and the sink's {@link SinkReader}, which owns the SQL and the comparable
 * forms.
 *
 * <p>Repair takes the pipeline's writer lock, so it refuses to run while a daemon writes the
 * pipeline (and a daemon cannot start while it repairs); the {@code verify} command also asks the
 * admin API first, for a clearer message. Verifying alone may run beside a daemon: keys whose
 * change is in flight are read again before they are reported, but a busy collection may still show
 * a few.
 */
public final class Verifier {
  private static final Logger LOG = LoggerFactory.getLogger(Verifier.class);

  private final TidemarkConfig config;
  private final VerifyOptions options;

  public Verifier(TidemarkConfig config, VerifyOptions options) {
    this.config = config;
    this.options = options;
  }

  /**
   * @throws TidemarkException {@link ErrorCode#CONFIG_INVALID} for an unknown collection name,
   *     {@code SOURCE_*}/{@code SINK_*} when a database cannot be reached or read
   */
  public VerifyReport run() throws InterruptedException {
    List<TableMapping> mappings = selected();
    List<CollectionResult> results = new ArrayList<>();
    try (SinkReader tables = JdbcSinkReader.open(config.sink(), "tidemark-verify");
        ChangeSource source = MongoChangeSource.open(config.source());
        JdbcChangeSink sink = options.repair() ? writer() : null) {
      for (TableMapping mapping : mappings) {
        RowMapper mapper = new RowMapper(mapping, tables.valueEncoding());
        results.add(
            verify(
                mapping,
                source.collection(mapping.collection()),
                tables.scanner(mapping),
                mapper,
                sink));
      }
    }
    return new VerifyReport(config.pipeline(), options.repair(), results);
  }

  private CollectionResult verify(
      TableMapping mapping,
      CollectionSource collection,
      TableScanner table,
      RowMapper mapper,
      JdbcChangeSink sink)
      throws InterruptedException {
    long started = System.nanoTime();
    if (!collection.exists()) {
      return problem(
          mapping,
          table.table(),
          "collection '"
              + mapping.collection()
              + "' does not exist in database '"
              + config.source().database()
              + "'");
    }
    if (!table.exists()) {
      return problem(
          mapping,
          table.table(),
          "table " + table.table() + " does not exist; 'tidemark run' creates and fills it");
    }
    CollectionVerifier.Repairer repairer = null;
    String position = null;
    if (sink != null) {
      TableSink live = sink.open(mapping, Target.LIVE);
      CollectionProgress progress = live.loadProgress();
      if (progress.snapshotState() != SnapshotState.DONE || progress.position().isEmpty()) {
        return problem(
            mapping,
            table.table(),
            "not repaired: the collection has no finished copy yet (copy "
                + progress.snapshotState()
                + "); let 'tidemark run' finish the copy first");
      }
      Position committed = progress.position().get();
      position = committed.clusterTime().toString();
      repairer = changes -> live.applyBatch(changes, committed);
    }
    CollectionDocuments documents = new CollectionDocuments(collection, table, mapper);
    CollectionVerifier.Outcome o =
        new CollectionVerifier(documents, table, options, repairer).compare();
    LOG.debug(
        "verified {} in {} ms",
        mapping.collection(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    return new CollectionResult(
        mapping.collection(),
        table.table(),
        o.documents(),
        o.rows(),
        o.unmappable(),
        o.missing(),
        o.extra(),
        o.different(),
        o.examples(),
        sink == null ? null : new CollectionResult.Repair(o.upserted(), o.deleted(), position),
        null);
  }

  /**
   * The sink that repairs write through, holding the pipeline's writer lock: a daemon that runs (or
   * starts) meanwhile is refused, and one that was paused is fenced off.
   *
   * @throws TidemarkException {@link ErrorCode#LOCK_HELD} when a daemon writes the pipeline
   */
  private JdbcChangeSink writer() {
    return JdbcChangeSink.openWriter(config.sink(), config.pipeline());
  }

  private CollectionResult problem(TableMapping mapping, String table, String problem) {
    return new CollectionResult(
        mapping.collection(), table, 0, 0, 0, 0, 0, 0, List.of(), null, problem);
  }

  private List<TableMapping> selected() {
    if (options.collection() == null) {
      return config.collections();
    }
    for (TableMapping m : config.collections()) {
      if (m.collection().equals(options.collection())) {
        return List.of(m);
      }
    }
    TreeSet<String> names = new TreeSet<>();
    config.collections().forEach(m -> names.add(m.collection()));
    throw new TidemarkException(
        ErrorCode.CONFIG_INVALID,
        "--collection "
            + options.collection()
            + ": no such collection in the configuration (configured: "
            + String.join(", ", names)
            + ").");
  }
}
