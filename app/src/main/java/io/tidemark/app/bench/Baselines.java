package io.tidemark.app.bench;

import io.tidemark.app.bench.Measurement.PathResult;
import io.tidemark.sink.jdbc.dialect.postgres.CopyTextBlock;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * What Tidemark is measured against, each into a fresh table shaped like Tidemark's, from the
 * pre-rendered rows (so only the database and the driver are timed):
 *
 * <ul>
 *   <li>the limit for a copy: plain {@code COPY FROM STDIN} of every row with pgjdbc's CopyManager,
 *       in one transaction and in transactions of Tidemark's chunk size;
 *   <li>the limit for a stream: idempotent applies of Tidemark's batch size, no checkpoint, in the
 *       three shapes PostgreSQL offers for them: a multi-row upsert ({@code unnest} of a {@code
 *       text[]} and a {@code jsonb[]}, {@code ON CONFLICT DO UPDATE}) as a hand-written job binds
 *       it; the same with two {@code text[]}, cast to jsonb in the statement, so that the server
 *       does not parse each document twice (once as an array element, once as JSON); and {@code
 *       COPY} into a temporary staging table followed by one {@code INSERT ... SELECT ... ON
 *       CONFLICT DO UPDATE}, a transaction per batch. ({@code MERGE} needs PostgreSQL 15; it does
 *       what the last shape does.) The fastest of them is the stream's ceiling;
 *   <li>the naive sync most hand-written jobs are: one upsert and one checkpoint {@code UPDATE} per
 *       event, each autocommitted.
 * </ul>
 */
final class Baselines {
  private final BenchDatabase db;
  private final RowsFile rows;
  private final Measurement.Probes probes;

  Baselines(BenchDatabase db, RowsFile rows, Measurement.Probes probes) {
    this.db = db;
    this.rows = rows;
    this.probes = probes;
  }

  /**
   * COPY of every row, {@code rowsPerCopy} rows per COPY statement (each its own transaction), or
   * all in one when it is at least the row count. Both shapes are measured because a single huge
   * transaction is not always the faster one: PostgreSQL's COPY writes through a small ring of
   * buffers, and without commits in between, evicting them waits for WAL flushes.
   */
  PathResult copy(String table, long rowsPerCopy) throws SQLException, IOException {
    db.createDocumentTable(table);
    String sql =
        "COPY " + BenchDatabase.qualified(table) + " (\"_id\", \"doc\") FROM STDIN (FORMAT text)";
    boolean single = rowsPerCopy >= rows.rows();
    try (Connection c = db.connect();
        InputStream in = rows.openStream()) {
      CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
      Measurement m = Measurement.start(probes);
      long copied =
          single ? copy.copyIn(sql, in, 1 << 16) : copyInChunks(copy, sql, in, rowsPerCopy);
      PathResult result =
          m.stop(
              single
                  ? "limit: plain COPY (CopyManager), 1 transaction"
                  : "limit: plain COPY (CopyManager), " + rowsPerCopy + " rows/transaction",
              copied,
              "");
      db.vacuum(table);
      return result;
    }
  }

  /** Sends the file's lines, starting a new COPY (and transaction) every {@code chunk} lines. */
  private static long copyInChunks(CopyManager copy, String sql, InputStream in, long chunk)
      throws SQLException, IOException {
    byte[] block = new byte[1 << 16];
    long total = 0;
    long inChunk = 0;
    CopyIn current = copy.copyIn(sql);
    try {
      int n;
      while ((n = in.read(block)) > 0) {
        int from = 0;
        for (int i = 0; i < n; i++) {
          if (block[i] == '\n' && ++inChunk == chunk) {
            current.writeToCopy(block, from, i + 1 - from);
            total += current.endCopy();
            current = copy.copyIn(sql);
            inChunk = 0;
            from = i + 1;
          }
        }
        current.writeToCopy(block, from, n - from);
      }
      total += current.endCopy();
      return total;
    } finally {
      if (current.isActive()) {
        current.cancelCopy();
      }
    }
  }

  /** The multi-row upsert binding a {@code jsonb[]}, as hand-written jobs do. */
  PathResult upsert(String table, int batchSize) throws SQLException, IOException {
    return unnestUpsert(table, batchSize, "plain multi-row upsert", "jsonb[]", "u.d");
  }

  /** The multi-row upsert binding two {@code text[]}, the documents cast in the statement. */
  PathResult upsertTextArrays(String table, int batchSize) throws SQLException, IOException {
    return unnestUpsert(table, batchSize, "multi-row upsert of text[]", "text[]", "u.d::jsonb");
  }

  /** COPY into a staging table, then one INSERT ... SELECT ... ON CONFLICT, per transaction. */
  PathResult stagedUpsert(String table, int batchSize) throws SQLException, IOException {
    CopyTextBlock block = new CopyTextBlock();
    return inBatches(
        table,
        batchSize,
        new Shape(
            "limit: COPY to staging + INSERT..SELECT ON CONFLICT (" + batchSize + " rows/txn)",
            "CREATE TEMP TABLE tidemark_bench_stage (k text, d text) ON COMMIT DELETE ROWS",
            "INSERT INTO "
                + BenchDatabase.qualified(table)
                + " (\"_id\", \"doc\") SELECT k, d::jsonb FROM tidemark_bench_stage"
                + " ON CONFLICT (\"_id\") DO UPDATE SET \"doc\" = EXCLUDED.\"doc\"",
            (c, merge, keys, docs, n) -> {
              CopyIn in =
                  c.unwrap(PGConnection.class)
                      .getCopyAPI()
                      .copyIn("COPY tidemark_bench_stage (k, d) FROM STDIN (FORMAT text)");
              for (int i = 0; i < n; i++) {
                block.appendRow(new String[] {keys[i], docs[i]}, 2);
              }
              block.sendTo(in::writeToCopy); // the batch in one write, as before blocks of bytes
              in.endCopy();
              merge.executeUpdate();
              c.commit();
            }));
  }

  /**
   * One way to apply a batch idempotently.
   *
   * @param setup run once before the clock starts, then committed; null for none. A shape with a
   *     setup runs in transactions its {@code apply} commits; one without runs in autocommit.
   * @param statement prepared once, handed to every {@code apply}
   */
  private record Shape(String label, String setup, String statement, BatchApply apply) {}

  /** Writes one batch of {@code n} rows. */
  @FunctionalInterface
  private interface BatchApply {
    void apply(Connection c, PreparedStatement statement, String[] keys, String[] docs, int n)
        throws SQLException;
  }

  /** {@code unnest} of the keys and documents, the documents bound as {@code documentArray}. */
  private PathResult unnestUpsert(
      String table, int batchSize, String name, String documentArray, String document)
      throws SQLException, IOException {
    String statement =
        "INSERT INTO "
            + BenchDatabase.qualified(table)
            + " (\"_id\", \"doc\") SELECT u.k, "
            + document
            + " FROM unnest(?::text[], ?::"
            + documentArray
            + ") AS u(k, d) ON CONFLICT (\"_id\") DO UPDATE SET \"doc\" = EXCLUDED.\"doc\"";
    return inBatches(
        table,
        batchSize,
        new Shape(
            "limit: " + name + " (" + batchSize + " rows/statement)",
            null,
            statement,
            Baselines::bindArrays));
  }

  private static void bindArrays(
      Connection c, PreparedStatement ps, String[] keys, String[] docs, int n) throws SQLException {
    ps.setObject(1, n == keys.length ? keys : java.util.Arrays.copyOf(keys, n));
    ps.setObject(2, n == docs.length ? docs : java.util.Arrays.copyOf(docs, n));
    ps.executeUpdate();
  }

  /** Reads every row and applies it in batches of {@code batchSize}, timing only the applying. */
  private PathResult inBatches(String table, int batchSize, Shape shape)
      throws SQLException, IOException {
    db.createDocumentTable(table);
    String[] keys = new String[batchSize];
    String[] docs = new String[batchSize];
    long written = 0;
    try (Connection c = db.connect();
        RowsFile.Reader in = rows.openReader()) {
      if (shape.setup() != null) {
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
          st.execute(shape.setup());
        }
        c.commit();
      }
      try (PreparedStatement statement = c.prepareStatement(shape.statement())) {
        Measurement m = Measurement.start(probes);
        int n = 0;
        while (in.next()) {
          keys[n] = in.key();
          docs[n] = in.json();
          if (++n == batchSize) {
            shape.apply().apply(c, statement, keys, docs, n);
            written += n;
            n = 0;
          }
        }
        if (n > 0) {
          shape.apply().apply(c, statement, keys, docs, n);
          written += n;
        }
        PathResult result = m.stop(shape.label(), written, "");
        db.vacuum(table);
        return result;
      }
    }
  }

  /** The naive sync, on the first {@code sample} rows: it is too slow to run on all of them. */
  PathResult naive(String table, long sample) throws SQLException, IOException {
    db.createDocumentTable(table);
    String checkpoint = BenchDatabase.qualified(table + "_checkpoint");
    db.execute(
        "CREATE TABLE "
            + checkpoint
            + " (pipeline text PRIMARY KEY, position_token text, cluster_time bigint,"
            + " updated_at timestamptz)");
    db.execute("INSERT INTO " + checkpoint + " VALUES ('naive', NULL, 0, now())");
    String upsert =
        "INSERT INTO "
            + BenchDatabase.qualified(table)
            + " (\"_id\", \"doc\") VALUES (?, ?::jsonb)"
            + " ON CONFLICT (\"_id\") DO UPDATE SET \"doc\" = EXCLUDED.\"doc\"";
    String move =
        "UPDATE "
            + checkpoint
            + " SET position_token = ?, cluster_time = ?, updated_at = now()"
            + " WHERE pipeline = 'naive'";
    long done = 0;
    try (Connection c = db.connect();
        PreparedStatement row = c.prepareStatement(upsert);
        PreparedStatement position = c.prepareStatement(move);
        RowsFile.Reader in = rows.openReader()) {
      c.setAutoCommit(true);
      Measurement m = Measurement.start(probes);
      while (done < sample && in.next()) {
        row.setString(1, in.key());
        row.setString(2, in.json());
        row.executeUpdate();
        done++;
        position.setString(1, "gen:after:" + done);
        position.setLong(2, done);
        position.executeUpdate();
      }
      PathResult result =
          m.stop(
              "naive: 1 upsert + 1 checkpoint UPDATE per event, autocommit",
              done,
              "sample of " + done + " events");
      db.vacuum(table);
      return result;
    }
  }

  /** Row counts per table, to check each path wrote what it should. */
  static long count(BenchDatabase db, String table) throws SQLException {
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT count(*) FROM " + BenchDatabase.qualified(table))) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
