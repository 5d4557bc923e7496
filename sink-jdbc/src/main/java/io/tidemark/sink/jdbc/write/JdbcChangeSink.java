package io.tidemark.sink.jdbc.write;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tidemark.core.config.ConnectionStrings;
import io.tidemark.core.config.SinkConfig;
import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.mapping.ChildTable;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.Position;
import io.tidemark.core.spi.ChangeSink;
import io.tidemark.core.spi.ChangeSink.Target;
import io.tidemark.core.spi.RowChange;
import io.tidemark.sink.jdbc.dialect.SqlDialect;
import io.tidemark.sink.jdbc.dialect.postgres.PostgresDialect;
import io.tidemark.sink.jdbc.schema.MetadataSchema;
import io.tidemark.sink.jdbc.schema.TargetTables;
import io.tidemark.sink.jdbc.write.SinkTransactions.Operation;
import io.tidemark.sink.jdbc.write.TableStatements.ChildStatements;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import javax.sql.DataSource;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ChangeSink} for relational databases over JDBC. Each write method borrows one
 * connection and runs one transaction that carries the rows together with the checkpoint or copy
 * mark; the statements of each table are built once, in {@link #prepareTable}, and reused.
 *
 * <p>Construction opens the pool (when given a {@link SinkConfig}) and migrates the metadata
 * schema, so a sink that constructs is one that can be written to. Thread-safe: writers of
 * different collections call it concurrently, each on its own pooled connection.
 */
public final class JdbcChangeSink implements ChangeSink {

  private static final Logger LOG = LoggerFactory.getLogger(JdbcChangeSink.class);

  /** Rows per multi-row statement; see {@link RowWrites#ROWS_PER_STATEMENT}. */
  static final int ROWS_PER_STATEMENT = RowWrites.ROWS_PER_STATEMENT;

  /** Meter names, documented in docs/operations.md. */
  public static final String WRITER_LOCK_HELD = "tidemark.writer.lock.held";

  public static final String WRITER_LOCK_LOST = "tidemark.writer.lock.lost";

  static final String DEFAULT_SCHEMA = "public";
  static final String DEFAULT_METADATA_SCHEMA = "tidemark";

  private final String pipeline;
  private final SqlDialect dialect;
  private final DataSource dataSource;
  private final HikariDataSource ownedPool;
  private final String metadataSchema;
  private final TargetTables targetTables;
  private final MetadataTables meta;
  private final SinkErrors errors;
  private final SocketTimeout socketTimeout;
  private final SinkTransactions transactions;
  private final RowWrites rowWrites;

  /** Statements per metadata key: the collection for its live table, {@link #key} for a shadow. */
  private final ConcurrentMap<String, TableStatements> tables = new ConcurrentHashMap<>();

  /**
   * Per metadata key of a table that evolves: writers share it, a batch that changes the table's
   * columns holds it alone.
   */
  private final ConcurrentMap<String, ReadWriteLock> evolutionLocks = new ConcurrentHashMap<>();

  private final SinkConfig config;

  /** Null when the sink takes no writer lock. */
  private final WriterLock writerLock;

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
  public JdbcChangeSink(SinkConfig config, String pipeline) {
    this(config, pipeline, null, DdlLockPolicy.DEFAULT, null);
  }

  /** With another policy for the DDL's lock waits; for tests. */
  JdbcChangeSink(SinkConfig config, String pipeline, DdlLockPolicy ddlLocks) {
    this(config, pipeline, null, ddlLocks, null);
  }

  /**
   * Uses a data source the caller owns (and closes); for tests and embedding. Connections may come
   * in auto-commit mode: the sink switches them for its transaction and switches them back.
   */
  public JdbcChangeSink(SinkConfig config, String pipeline, DataSource dataSource) {
    this(config, pipeline, Objects.requireNonNull(dataSource), DdlLockPolicy.DEFAULT, null);
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
    this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
    this.config = config;
    this.dialect = dialectFor(config.jdbcUrl());
    this.socketTimeout =
        external == null ? SocketTimeout.of(config, dialect) : SocketTimeout.OF_CALLERS_DATA_SOURCE;
    this.errors = new SinkErrors(dialect, pipeline, socketTimeout);
    this.metadataSchema = orDefault(config.metadataSchema(), DEFAULT_METADATA_SCHEMA);
    this.targetTables = TargetTables.in(orDefault(config.schema(), DEFAULT_SCHEMA), dialect);
    this.meta = new MetadataTables(dialect, metadataSchema, pipeline);
    this.ownedPool = external == null ? SinkPool.open(config, pipeline, dialect, errors) : null;
    this.dataSource = external == null ? ownedPool : external;
    this.transactions = new SinkTransactions(dataSource, dialect, errors, ddlLocks, pipeline);
    this.rowWrites = new RowWrites(dialect);
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
    this.writerLock = lock;
    LOG.info(
        "[{}] sink ready: {} at {}, socket timeout {}, target schema {}, metadata schema {} at"
            + " version {} ({} migrations applied)",
        pipeline,
        dialect.name(),
        ConnectionStrings.mask(config.jdbcUrl()),
        socketTimeout.describe(),
        targetTables.schema(),
        metadataSchema,
        migration.version(),
        migration.migrationsApplied());
    if (lock != null) {
      LOG.info("[{}] writer lock taken (lease epoch {})", pipeline, lock.epoch());
    }
  }

  private void closeAfterFailure(WriterLock lock) {
    if (lock != null) {
      lock.close();
    }
    closePool();
  }

  /**
   * Registers the writer lock's meters: {@code tidemark.writer.lock.held} (1 while held, 0 while
   * lost) and {@code tidemark.writer.lock.lost} (times it was lost). Nothing for a sink that holds
   * no lock.
   */
  public void bindMetrics(MeterRegistry registry) {
    WriterLock lock = writerLock;
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
    return pipeline;
  }

  /**
   * The metadata key of a collection's target. A shadow's rows live beside the live ones under a
   * key no collection can have ({@code $} is not allowed in MongoDB collection names).
   */
  static String key(String collection, Target target) {
    return target == Target.SHADOW ? collection + "$rebuild" : collection;
  }

  private static TableMapping tableOf(TableMapping mapping, Target target) {
    return target == Target.SHADOW ? mapping.asShadow() : mapping;
  }

  @Override
  public void prepareTable(TableMapping mapping, Target target) {
    TableMapping table = tableOf(mapping, target);
    String key = key(mapping.collection(), target);
    String described = dialect.qualify(targetTables.schema(), table.table());
    PreparedTable loaded =
        transactions.runDdl(
            c -> new PreparedTable(targetTables.prepare(c, table), meta.readEvolvedColumns(c, key)),
            () -> "prepare table " + described + " for collection '" + mapping.collection() + "'");
    TargetTables.Prepared prepared = loaded.prepared();
    List<EvolvedColumn> evolved = new ArrayList<>();
    for (EvolvedColumn column : loaded.evolved()) {
      if (prepared.columns().contains(column.column())) {
        evolved.add(column);
      } else {
        LOG.warn(
            "[{}] collection {}: evolved column {} of field {} is gone from table {}; it is added"
                + " again when the field next appears",
            pipeline,
            mapping.collection(),
            column.column(),
            column.field(),
            described);
      }
    }
    if (!evolved.isEmpty() && !mapping.evolvesColumns()) {
      LOG.warn(
          "[{}] collection {}: table {} has evolved columns {} but schema.evolve is not"
              + " addColumns: documents written from now on leave them NULL. Drop them, or set"
              + " schema: {{ evolve: addColumns }} again.",
          pipeline,
          mapping.collection(),
          described,
          evolved.stream().map(EvolvedColumn::column).toList());
    }
    TableStatements statements =
        TableStatements.of(dialect, targetTables.schema(), table, evolved, prepared.columns());
    tables.put(key, statements);
    if (prepared.table() == TargetTables.Outcome.CREATED) {
      LOG.info(
          "[{}] collection {}: created table {}",
          pipeline,
          mapping.collection(),
          statements.table());
    }
    if (!prepared.createdChildTables().isEmpty()) {
      LOG.info(
          "[{}] collection {}: created child tables {}",
          pipeline,
          mapping.collection(),
          prepared.createdChildTables());
      if (prepared.table() == TargetTables.Outcome.CHECKED && target == Target.LIVE) {
        // Rows copied before the child table existed have no child rows until they change.
        LOG.warn(
            "[{}] collection {}: child tables {} are new but table {} existed: they hold only"
                + " documents written from now on. Run `tidemark resnapshot {}` to fill them for"
                + " every document.",
            pipeline,
            mapping.collection(),
            prepared.createdChildTables(),
            statements.table(),
            mapping.collection());
      }
    }
  }

  @Override
  public CollectionProgress loadProgress(String collection, Target target) {
    return transactions.run(
        c -> meta.readProgress(c, key(collection, target)),
        () ->
            "read the committed progress of collection '"
                + collection
                + "' from metadata schema "
                + meta.schema());
  }

  @Override
  public void beginSnapshot(
      String collection,
      Target target,
      ClusterTime startTime,
      long estimatedRows,
      List<String> splitKeys) {
    // A rebuild's copy empties the shadow's tables first: DDL.
    transactions.runDdl(
        c -> {
          fence(c);
          if (target == Target.SHADOW) {
            TableMapping shadow = statementsFor(collection, target).mapping();
            execute(c, dialect.truncateTable(targetTables.schema(), shadow.table()));
            for (ChildTable child : shadow.childTables()) {
              execute(c, dialect.truncateTable(targetTables.schema(), child.table()));
            }
          }
          meta.startSnapshot(c, key(collection, target), startTime, estimatedRows, splitKeys);
          return null;
        },
        () -> "record the start of the copy of collection '" + collection + "' at " + startTime);
  }

  @Override
  public void writeSnapshotChunk(
      String collection,
      Target target,
      int range,
      List<RowChange> rows,
      String markAfterLast,
      boolean rangeDone) {
    TableStatements statements = statementsFor(collection, target);
    ChangeBatch batch = ChangeBatch.of(rows, statements);
    writeBatch(
        collection,
        target,
        batch,
        (c, table, upsertRows) -> {
          if (!upsertRows.isEmpty()) {
            dialect.bulkLoad(c, table.bulkLoad(), upsertRows, table.columnCount());
            // A copied document has no child rows yet: its row was not there either.
            for (int i = 0; i < table.children().size(); i++) {
              ChildStatements child = table.children().get(i);
              List<String[]> childRows = RowWrites.childRows(batch.upserts, i);
              if (!childRows.isEmpty()) {
                dialect.bulkLoad(c, child.bulkLoad(), childRows, child.columnCount());
              }
            }
          }
          rowWrites.deleteKeys(c, table, batch.deleteKeys);
          meta.insertDeadLetters(c, key(collection, target), null, batch);
          meta.markSnapshot(
              c, key(collection, target), range, markAfterLast, rows.size(), rangeDone);
        },
        () ->
            "copy a snapshot chunk of range "
                + range
                + ", "
                + rows.size()
                + " rows ("
                + batch.describe()
                + ") into "
                + statements.describeTables()
                + " for collection '"
                + collection
                + "' (resume mark after it: "
                + markAfterLast
                + (rangeDone ? ", the range's last chunk" : "")
                + ")");
  }

  @Override
  public void finishSnapshot(
      String collection, Target target, Position streamStart, ClusterTime copyEndTime) {
    transactions.run(
        c -> {
          fence(c);
          meta.finishSnapshot(c, key(collection, target), copyEndTime);
          meta.moveCheckpoint(c, key(collection, target), streamStart);
          return null;
        },
        () ->
            "record the end of the copy of collection '"
                + collection
                + "' (stream start "
                + streamStart.clusterTime()
                + ", copy ended at "
                + copyEndTime
                + ")");
  }

  @Override
  public void applyBatch(
      String collection, Target target, List<RowChange> changes, Position position) {
    TableStatements statements = statementsFor(collection, target);
    ChangeBatch batch = ChangeBatch.of(changes, statements);
    writeBatch(
        collection,
        target,
        batch,
        (c, table, upsertRows) -> {
          rowWrites.deleteKeys(c, table, batch.deleteKeys);
          rowWrites.upsert(c, table, batch.upserts, upsertRows);
          meta.insertDeadLetters(c, key(collection, target), position.token(), batch);
          meta.moveCheckpoint(c, key(collection, target), position);
        },
        () ->
            "apply "
                + changes.size()
                + " changes ("
                + batch.describe()
                + ") to "
                + statements.describeTables()
                + " for collection '"
                + collection
                + "' up to source time "
                + position.clusterTime());
  }

  @Override
  public void swapShadow(TableMapping mapping) {
    String collection = mapping.collection();
    transactions.runDdl(
        c -> {
          fence(c);
          lockForSwap(c, mapping);
          for (String sql :
              dialect.swapTables(targetTables.schema(), mapping.table(), mapping.shadowTable())) {
            execute(c, sql);
          }
          List<ChildTable> liveChildren = mapping.childTables();
          List<ChildTable> shadowChildren = mapping.asShadow().childTables();
          for (int i = 0; i < liveChildren.size(); i++) {
            for (String sql :
                dialect.swapTables(
                    targetTables.schema(),
                    liveChildren.get(i).table(),
                    shadowChildren.get(i).table())) {
              execute(c, sql);
            }
          }
          meta.deleteProgress(c, collection);
          meta.moveRows(c, key(collection, Target.SHADOW), collection);
          return null;
        },
        () ->
            "swap the rebuilt table "
                + mapping.shadowTable()
                + " in for "
                + mapping.table()
                + " of collection '"
                + collection
                + "'");
    // The rebuilt table keeps the columns it evolved while it was filled.
    TableStatements rebuilt = tables.remove(key(collection, Target.SHADOW));
    tables.put(
        collection,
        rebuilt == null
            ? TableStatements.of(dialect, targetTables.schema(), mapping)
            : rebuilt.forMapping(dialect, targetTables.schema(), mapping));
    LOG.info(
        "[{}] collection {}: swapped the rebuilt table in as {}",
        pipeline,
        collection,
        mapping.table());
  }

  @Override
  public void discardShadow(TableMapping mapping) {
    String collection = mapping.collection();
    transactions.runDdl(
        c -> {
          fence(c);
          execute(c, dialect.dropTableIfExists(targetTables.schema(), mapping.shadowTable()));
          for (ChildTable child : mapping.asShadow().childTables()) {
            execute(c, dialect.dropTableIfExists(targetTables.schema(), child.table()));
          }
          meta.deleteProgress(c, key(collection, Target.SHADOW));
          return null;
        },
        () ->
            "discard the rebuild table "
                + mapping.shadowTable()
                + " of collection '"
                + collection
                + "'");
    tables.remove(key(collection, Target.SHADOW));
  }

  /** What {@link #prepareTable} reads in its transaction. */
  private record PreparedTable(TargetTables.Prepared prepared, List<EvolvedColumn> evolved) {
    PreparedTable {
      evolved = List.copyOf(evolved);
    }
  }

  /** One stored dead letter. */
  public record DeadLetterEntry(long id, String documentKey, String document, String reason) {}

  /** A page of a collection's dead letters, oldest first, after {@code afterId}. */
  public List<DeadLetterEntry> readDeadLetters(String collection, long afterId, int limit) {
    return transactions.run(
        c -> {
          List<DeadLetterEntry> page = new ArrayList<>();
          meta.readDeadLetters(
              c,
              collection,
              afterId,
              limit,
              (id, key, document, reason) ->
                  page.add(new DeadLetterEntry(id, key, document, reason)));
          return page;
        },
        () -> "read the dead letters of collection '" + collection + "'");
  }

  /**
   * Writes replayed documents to the live table and forgets their dead letters, in one transaction;
   * the collection's position is not moved (the stream goes on from where it was).
   */
  public void replayDeadLetters(String collection, List<RowChange> changes, long[] replayedIds) {
    TableStatements statements = statementsFor(collection, Target.LIVE);
    ChangeBatch batch = ChangeBatch.of(changes, statements);
    writeBatch(
        collection,
        Target.LIVE,
        batch,
        (c, table, upsertRows) -> {
          rowWrites.deleteKeys(c, table, batch.deleteKeys);
          rowWrites.upsert(c, table, batch.upserts, upsertRows);
          meta.deleteDeadLetters(c, replayedIds);
        },
        () ->
            "replay "
                + replayedIds.length
                + " dead letters ("
                + batch.describe()
                + ") into "
                + statements.describeTables()
                + " for collection '"
                + collection
                + "'");
  }

  /** Work on a batch inside its write transaction, with the table's current statements. */
  @FunctionalInterface
  private interface BatchWork {
    /**
     * @param upsertRows the batch's upserted rows as written, evolved columns included
     */
    void run(Connection c, TableStatements table, List<String[]> upsertRows) throws SQLException;
  }

  /**
   * Runs a batch's work in one transaction. For a table that evolves, the batch's unmapped fields
   * decide: when each fits a column, the batch is written beside other writers of the table (a
   * shared lock); otherwise the batch adds or widens the columns it needs in its own transaction,
   * alone (an exclusive lock, so that no other writer uses statements of the old shape), and the
   * table's statements change when it commits.
   */
  private void writeBatch(
      String collection, Target target, ChangeBatch batch, BatchWork work, Operation operation) {
    String key = key(collection, target);
    TableStatements statements = statementsFor(collection, target);
    if (!statements.mapping().evolvesColumns() && statements.evolved().isEmpty()) {
      transactions.run(
          c -> {
            fence(c);
            work.run(c, statements, RowWrites.values(batch.upserts));
            return null;
          },
          operation);
      return;
    }
    ReadWriteLock lock = evolutionLocks.computeIfAbsent(key, k -> new ReentrantReadWriteLock());
    lock.readLock().lock();
    try {
      TableStatements current = statementsFor(collection, target);
      List<String[]> rows = SchemaEvolver.rows(current, batch.upserts);
      if (rows != null) {
        transactions.run(
            c -> {
              fence(c);
              work.run(c, current, rows);
              return null;
            },
            operation);
        return;
      }
    } finally {
      lock.readLock().unlock();
    }
    lock.writeLock().lock();
    try {
      TableStatements current = statementsFor(collection, target);
      SchemaEvolver.Evolution evolution = SchemaEvolver.plan(current, batch.upserts);
      TableStatements next =
          current.withEvolved(dialect, targetTables.schema(), evolution.columns());
      List<String[]> rows = SchemaEvolver.rows(next, batch.upserts);
      transactions.runDdl(
          c -> {
            fence(c);
            evolve(c, key, next, evolution);
            work.run(c, next, rows);
            return null;
          },
          () -> operation.describe() + ", with the schema changes: " + evolution.reasons());
      tables.put(key, next);
      for (String reason : evolution.reasons()) {
        LOG.info("[{}] collection {}: table {}: {}", pipeline, collection, next.table(), reason);
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Adds and widens evolved columns, and records them, in the caller's transaction. */
  private void evolve(
      Connection c, String key, TableStatements table, SchemaEvolver.Evolution evolution)
      throws SQLException {
    String tableName = table.mapping().table();
    if (!evolution.widened().isEmpty()) {
      // A new column type rewrites the table and rebuilds its indexes: it takes as long as the
      // table is large, which no socket timeout can foresee. Keepalive watches the peer meanwhile.
      SinkTransactions.withoutSocketTimeout(
          c,
          () -> {
            for (EvolvedColumn column : evolution.widened()) {
              execute(
                  c, dialect.widenColumnToJsonb(targetTables.schema(), tableName, column.column()));
            }
          });
    }
    for (EvolvedColumn column : evolution.added()) {
      execute(
          c, dialect.addColumn(targetTables.schema(), tableName, column.column(), column.type()));
    }
    List<EvolvedColumn> all = evolution.columns();
    for (int i = 0; i < all.size(); i++) {
      EvolvedColumn column = all.get(i);
      if (evolution.added().contains(column) || evolution.widened().contains(column)) {
        meta.recordEvolvedColumn(c, key, column, i);
      }
    }
  }

  /**
   * Takes every lock the swap needs in one statement, in one fixed order: the live table, its
   * children, then the shadow's. Dropping and renaming one table after another would take them as
   * it goes, parent first then each child, and deadlock with a reader that holds a child and then
   * reads the parent. Live tables come first in parent-to-child order, the order of a reader's
   * {@code FROM parent JOIN child}, so such a reader never deadlocks with the swap; one that takes
   * them the other way round meets the lock timeout and the swap tries again.
   */
  private void lockForSwap(Connection c, TableMapping mapping) throws SQLException {
    List<String> wanted = new ArrayList<>();
    wanted.add(mapping.table());
    mapping.childTables().forEach(child -> wanted.add(child.table()));
    TableMapping shadow = mapping.asShadow();
    wanted.add(shadow.table());
    shadow.childTables().forEach(child -> wanted.add(child.table()));
    java.util.Set<String> existing = new java.util.HashSet<>();
    try (PreparedStatement ps = c.prepareStatement(dialect.selectExistingTables())) {
      ps.setString(1, targetTables.schema());
      dialect.bindTextArray(ps, 2, wanted.toArray(String[]::new));
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          existing.add(rs.getString(1));
        }
      }
    }
    wanted.retainAll(existing);
    if (!wanted.isEmpty()) {
      execute(c, dialect.lockTablesExclusively(targetTables.schema(), wanted));
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (java.sql.Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  /** Inside a write transaction: stops a process that is no longer the pipeline's writer. */
  private void fence(Connection c) throws SQLException {
    WriterLock lock = writerLock;
    if (lock != null) {
      lock.checkStillOwner(c);
    }
  }

  @Override
  public void close() {
    WriterLock lock = writerLock;
    if (lock != null) {
      lock.close();
    }
    closePool();
  }

  // ---- plumbing ------------------------------------------------------------------------------

  private TableStatements statementsFor(String collection, Target target) {
    TableStatements table = tables.get(key(collection, target));
    if (table == null) {
      throw new TidemarkException(
          ErrorCode.INTERNAL,
          "No table is prepared for collection '"
              + collection
              + "' in pipeline '"
              + pipeline
              + "': prepareTable must be called before rows are written (prepared: "
              + tables.keySet()
              + ").");
    }
    return table;
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
