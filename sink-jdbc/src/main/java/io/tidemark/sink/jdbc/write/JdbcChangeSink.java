package io.tidemark.sink.jdbc.write;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tidemark.core.config.ConfigKeys;
import io.tidemark.core.config.ConnectionStrings;
import io.tidemark.core.config.SinkConfig;
import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.logging.LogContext;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.mapping.ValueEncoding;
import io.tidemark.core.spi.ChangeSink;
import io.tidemark.core.spi.RowChange;
import io.tidemark.core.spi.TableSink;
import io.tidemark.sink.jdbc.dialect.SqlDialect;
import io.tidemark.sink.jdbc.dialect.postgres.PostgresDialect;
import io.tidemark.sink.jdbc.schema.MetadataSchema;
import io.tidemark.sink.jdbc.schema.TargetTables;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ChangeSink} for relational databases over JDBC: a facade that opens the database and
 * hands out one {@link JdbcTableSink} per opened table. Its parts, each with one job:
 *
 * <ul>
 *   <li>{@link SinkTransactions}: the transaction template, retries and SQLSTATE translation
 *       ({@link SinkErrors});
 *   <li>{@link TablePreparer}: creates or checks a table and builds its statements ({@link
 *       TableStatements}, kept in {@link PreparedTables});
 *   <li>{@link BatchWriter} with {@link RowWrites}: writes a batch, evolving the table's columns
 *       when it needs ({@link SchemaEvolver});
 *   <li>{@link ShadowSwap}: swaps a rebuilt table in, or drops it;
 *   <li>{@link MetadataTables}: all SQL of the metadata schema (progress, positions, evolved
 *       columns, dead letters); {@link DeadLetters} reads and replays them;
 *   <li>{@link WriterLock}: keeps a second process from writing the same pipeline.
 * </ul>
 *
 * <p>A sink is opened by a factory ({@link #open(SinkConfig, String)}, {@link #openWriter}), which
 * opens the pool and migrates the metadata schema, so a sink that opens is one that can be written
 * to. Thread-safe: writers of different collections call it concurrently, each on its own pooled
 * connection.
 */
public final class JdbcChangeSink implements ChangeSink {

  private static final Logger LOG = LoggerFactory.getLogger(JdbcChangeSink.class);

  /** Rows per multi-row statement; see {@link RowWrites#ROWS_PER_STATEMENT}. */
  static final int ROWS_PER_STATEMENT = RowWrites.ROWS_PER_STATEMENT;

  /** Meter names, documented in docs/operations.md. */
  public static final String WRITER_LOCK_HELD = "tidemark.writer.lock.held";

  public static final String WRITER_LOCK_LOST = "tidemark.writer.lock.lost";

  private final DataSource dataSource;
  private final HikariDataSource ownedPool;
  private final SinkContext context;
  private final TablePreparer preparer;
  private final BatchWriter writer;
  private final ShadowSwap swap;
  private final DeadLetters deadLetters;
  private final PartitionedWrites partitioned;

  /**
   * Opens a HikariCP pool named {@code tidemark-sink} on the configured database and migrates the
   * metadata schema. The sink holds no writer lock: for tests and tools that write nothing a daemon
   * could write at the same time. A process that writes a pipeline opens its sink with {@link
   * #openWriter}.
   *
   * @throws TidemarkException {@link ErrorCode#SINK_UNAVAILABLE} when the database cannot be
   *     reached within a few seconds, {@link ErrorCode#SINK_FAILED} when it refuses the login or
   *     the migration, {@link ErrorCode#CONFIG_INVALID} for an unsupported JDBC URL
   */
  public static JdbcChangeSink open(SinkConfig config, String pipeline) {
    return new JdbcChangeSink(config, pipeline, null, DdlLockPolicy.DEFAULT, null);
  }

  /** With another policy for the DDL's lock waits; for tests. */
  static JdbcChangeSink open(SinkConfig config, String pipeline, DdlLockPolicy ddlLocks) {
    return new JdbcChangeSink(config, pipeline, null, ddlLocks, null);
  }

  /**
   * Uses a data source the caller owns (and closes); for tests and embedding. Connections may come
   * in auto-commit mode: the sink switches them for its transaction and switches them back.
   */
  public static JdbcChangeSink open(SinkConfig config, String pipeline, DataSource dataSource) {
    return new JdbcChangeSink(
        config, pipeline, Objects.requireNonNull(dataSource), DdlLockPolicy.DEFAULT, null);
  }

  /**
   * Opens the sink as the pipeline's only writer, until {@link #close()}: opens the pool, takes the
   * pipeline's lock on a connection of its own, and only then migrates the metadata schema and
   * records this process in the lease with a new epoch that fences every later transaction. A
   * process refused the lock has migrated and created nothing. The lock is checked every few
   * seconds ({@link WriterLockPolicy#DEFAULT}); while it is lost every write fails (retriable)
   * until it is taken back.
   *
   * @throws TidemarkException {@link ErrorCode#LOCK_HELD} naming the holder when another process
   *     writes this pipeline, or as the constructor does
   */
  public static JdbcChangeSink openWriter(SinkConfig config, String pipeline) {
    return openWriter(config, pipeline, WriterLockPolicy.DEFAULT);
  }

  /** With another watch over the writer lock; for tests. */
  static JdbcChangeSink openWriter(SinkConfig config, String pipeline, WriterLockPolicy watch) {
    return new JdbcChangeSink(config, pipeline, null, DdlLockPolicy.DEFAULT, watch);
  }

  /**
   * @param external a data source the caller owns, or null to open a pool
   * @param writerLock how to watch the writer lock, or null to take none
   */
  private JdbcChangeSink(
      SinkConfig config,
      String pipeline,
      DataSource external,
      DdlLockPolicy ddlLocks,
      WriterLockPolicy writerLock) {
    Objects.requireNonNull(pipeline, "pipeline");
    SqlDialect dialect = dialectFor(config.jdbcUrl());
    SocketTimeout socketTimeout =
        external == null ? SocketTimeout.of(config, dialect) : SocketTimeout.OF_CALLERS_DATA_SOURCE;
    SinkErrors errors = new SinkErrors(dialect, pipeline, socketTimeout);
    String metadataSchema =
        orDefault(config.metadataSchema(), ConfigKeys.SINK_METADATA_SCHEMA.defaultValue());
    TargetTables targetTables =
        TargetTables.in(orDefault(config.schema(), ConfigKeys.SINK_SCHEMA.defaultValue()), dialect);
    this.ownedPool = external == null ? SinkPool.open(config, pipeline, dialect, errors) : null;
    this.dataSource = external == null ? ownedPool : external;
    WriterLock lock = null;
    MetadataSchema.MigrationResult migration;
    try {
      // The lock first: a process that is refused must not migrate or create anything. The lease
      // row lives in the metadata schema, so it is claimed after the migration.
      if (writerLock != null) {
        lock =
            WriterLock.take(
                dialect,
                metadataSchema,
                pipeline,
                external == null
                    ? SinkPool.lockConnections(config, pipeline, dialect)
                    : external::getConnection,
                writerLock);
      }
      migration = MetadataSchema.migrate(dataSource, dialect, metadataSchema);
      if (lock != null) {
        lock.claimLease();
      }
    } catch (FlywayException e) {
      // Translated before the pool is closed: the translation may try a new connection from it
      // (a closed pool answers "has been closed", which says nothing about the database).
      TidemarkException failure =
          new MigrationErrors(dataSource, dialect, errors)
              .translate(e, metadataSchema, config.jdbcUrl(), pipeline);
      closeAfterFailure(lock);
      throw failure;
    } catch (SQLException e) {
      closeAfterFailure(lock);
      throw errors.translate(e, "take the writer lock of pipeline '" + pipeline + "'");
    } catch (RuntimeException e) {
      closeAfterFailure(lock);
      throw e;
    }
    this.context =
        new SinkContext(
            pipeline,
            dialect,
            targetTables,
            new MetadataTables(dialect, metadataSchema, pipeline),
            new SinkTransactions(dataSource, dialect, errors, ddlLocks, pipeline),
            new RowWrites(dialect),
            new PreparedTables(pipeline),
            lock);
    this.preparer = new TablePreparer(context);
    this.writer = new BatchWriter(context);
    this.swap = new ShadowSwap(context);
    this.deadLetters = new DeadLetters(context, writer);
    this.partitioned =
        new PartitionedWrites(
            context, writer, new PartitionOffsets(dialect, metadataSchema, pipeline));
    // Opened by tools and tests too, not only on a thread that already names the pipeline.
    try (LogContext.Scope scope = LogContext.open(pipeline, null)) {
      LOG.info(
          "sink ready: {} at {}, socket timeout {}, target schema {}, metadata schema {} at"
              + " version {} ({} migrations applied)",
          dialect.name(),
          ConnectionStrings.mask(config.jdbcUrl()),
          socketTimeout.describe(),
          targetTables.schema(),
          metadataSchema,
          migration.version(),
          migration.migrationsApplied());
      if (lock != null) {
        LOG.info("writer lock taken (lease epoch {})", lock.epoch());
      }
    }
  }

  /**
   * Registers the writer lock's meters: {@code tidemark.writer.lock.held} (1 while held, 0 while
   * lost) and {@code tidemark.writer.lock.lost} (times it was lost). Nothing for a sink that holds
   * no lock.
   */
  public void bindMetrics(MeterRegistry registry) {
    WriterLock lock = context.writerLock();
    if (lock == null) {
      return;
    }
    Gauge.builder(WRITER_LOCK_HELD, lock, l -> l.held() ? 1 : 0)
        .description("1 while this process holds the pipeline's writer lock, 0 while it is lost")
        .register(registry);
    FunctionCounter.builder(WRITER_LOCK_LOST, lock, WriterLock::losses)
        .description("Times this process lost the pipeline's writer lock")
        .register(registry);
  }

  /** The pipeline whose rows and positions this sink writes. */
  public String pipeline() {
    return context.pipeline();
  }

  @Override
  public TableSink open(TableMapping mapping, Target target) {
    preparer.prepare(mapping, target);
    return new JdbcTableSink(context, writer, swap, mapping, target);
  }

  @Override
  public ValueEncoding valueEncoding() {
    return context.dialect().valueEncoding();
  }

  @Override
  public CollectionProgress loadProgress(String collection, Target target) {
    return context
        .transactions()
        .run(
            c -> context.meta().readProgress(c, PreparedTables.key(collection, target)),
            () ->
                "read the committed progress of collection '"
                    + collection
                    + "' from metadata schema "
                    + context.meta().schema());
  }

  /** One stored dead letter. */
  public record DeadLetterEntry(long id, String documentKey, String document, String reason) {}

  /** A page of a collection's dead letters, oldest first, after {@code afterId}. */
  public List<DeadLetterEntry> readDeadLetters(String collection, long afterId, int limit) {
    return deadLetters.read(collection, afterId, limit);
  }

  /**
   * Writes replayed documents to the live table and forgets their dead letters, in one transaction;
   * the collection's position is not moved (the stream goes on from where it was).
   *
   * @param table the live table, opened by this sink
   */
  public void replayDeadLetters(TableSink table, List<RowChange> changes, long[] replayedIds) {
    if (!(table instanceof JdbcTableSink) || table.target() != Target.LIVE) {
      throw new IllegalArgumentException(
          "dead letters are replayed into a live table this sink opened, not " + table);
    }
    deadLetters.replay(table.mapping().collection(), changes, replayedIds);
  }

  /**
   * Gives each partition a new epoch for {@code owner}, which fences every earlier owner's writes
   * from now on, and returns where each stands. A partition never claimed before gets a row with no
   * offset. Waits for a batch an earlier owner is committing, so the offsets returned include it.
   */
  public List<PartitionClaim> claimPartitions(Collection<LogPartition> partitions, String owner) {
    return partitioned.claim(partitions, owner);
  }

  /** Every partition row of this pipeline, in partition order. */
  public List<PartitionClaim> partitionOffsets() {
    return partitioned.read();
  }

  /**
   * Applies changes to a live table and moves the partitions they came from to their next offsets,
   * in one transaction, instead of the collection's stream position ({@link TableSink#applyBatch}).
   *
   * @param table the live table, opened by this sink
   * @param changes at most one per key, as for {@link TableSink#applyBatch}
   * @param bulkFirst try the bulk load first (a batch of upserts of mostly new keys)
   * @return whether the rows went in by bulk load
   * @throws PartitionConflictException when a partition was claimed by another owner or is
   *     committed past the batch's first offset; nothing is committed
   */
  public boolean applyPartitionBatch(
      TableSink table,
      List<RowChange> changes,
      List<PartitionAdvance> advances,
      boolean bulkFirst) {
    if (!(table instanceof JdbcTableSink) || table.target() != Target.LIVE) {
      throw new IllegalArgumentException(
          "partition batches are written to a live table this sink opened, not " + table);
    }
    if (advances.isEmpty()) {
      throw new IllegalArgumentException("a partition batch advances at least one partition");
    }
    return partitioned.apply(table.mapping().collection(), changes, advances, bulkFirst);
  }

  /**
   * The whole documents a live table stores in its mapping's {@code documentColumn}, as JSON
   * (relaxed Extended JSON, as written), by key text; keys without a row are absent. For applying
   * an update that arrives as a delta.
   *
   * @throws IllegalArgumentException when the mapping keeps no whole document
   */
  public Map<String, String> storedDocuments(TableSink table, Collection<String> keys) {
    if (!(table instanceof JdbcTableSink) || table.mapping().documentColumn() == null) {
      throw new IllegalArgumentException(
          "stored documents are read from a table this sink opened with a documentColumn, not "
              + table);
    }
    if (keys.isEmpty()) {
      return Map.of();
    }
    return partitioned.storedDocuments(table.mapping(), keys);
  }

  @Override
  public void close() {
    WriterLock lock = context.writerLock();
    if (lock != null) {
      lock.close();
    }
    closePool();
  }

  private void closeAfterFailure(WriterLock lock) {
    if (lock != null) {
      lock.close();
    }
    closePool();
  }

  private void closePool() {
    if (ownedPool != null && !ownedPool.isClosed()) {
      ownedPool.close();
    }
  }

  private static String orDefault(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }

  /** The dialect for a JDBC URL; only PostgreSQL so far. */
  public static SqlDialect dialectFor(String jdbcUrl) {
    if (jdbcUrl != null && jdbcUrl.startsWith("jdbc:postgresql:")) {
      return new PostgresDialect();
    }
    throw new TidemarkException(
        ErrorCode.CONFIG_INVALID,
        "sink.jdbcUrl: '"
            + ConnectionStrings.mask(jdbcUrl)
            + "' is not a database Tidemark can write to; supported: PostgreSQL"
            + " (jdbc:postgresql://host:port/database).");
  }
}
