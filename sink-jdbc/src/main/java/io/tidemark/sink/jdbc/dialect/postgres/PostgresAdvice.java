package io.tidemark.sink.jdbc.dialect.postgres;

/** What an operator should do about a PostgreSQL failure, by SQLSTATE. */
final class PostgresAdvice {

  private PostgresAdvice() {}

  static String forSqlState(String state) {
    if (state == null) {
      return null;
    }
    switch (state) {
      case "28P01":
      case "28000":
        return "Check sink.username/sink.password, and that pg_hba.conf lets this user connect"
            + " from this host.";
      case "3D000":
        return "The database named in sink.jdbcUrl does not exist: create it or fix the URL.";
      case "42501":
        return "Grant the sink user USAGE and CREATE on the target and metadata schemas and"
            + " SELECT, INSERT, UPDATE, DELETE on the target tables.";
      case "23505":
        return "Another row already holds this value in a unique column. A snapshot copy expects"
            + " an empty target table: truncate the table or drop it so Tidemark recreates it;"
            + " otherwise drop the unique constraint that is not the key.";
      case "23502":
        return "A NOT NULL column received no value: map a field into it, give it a default, or"
            + " drop the NOT NULL constraint.";
      case "23503":
      case "23514":
        return "A constraint of the target table rejects the row: Tidemark writes rows in source"
            + " order per collection, so drop foreign-key and check constraints from target"
            + " tables.";
      case "42P01":
        return "The target table is missing: restart Tidemark so it creates the table again,"
            + " or restore it.";
      case "42703":
        return "The target table lacks a mapped column: add the column, or restart Tidemark so"
            + " the table check reports every difference.";
      case "42P10":
        return "The key column has no unique index: add a PRIMARY KEY on it.";
      case "25006":
        return "sink.jdbcUrl points at a read-only server (a standby?): point it at the primary,"
            + " e.g. with targetServerType=primary.";
      case "57014":
        return "The statement was cancelled (statement_timeout, or an administrator); Tidemark"
            + " retries on its own. If it repeats, raise statement_timeout for the sink user.";
      case "40P01":
        return "Deadlock with another session (a reader joining these tables while Tidemark"
            + " changes them, or a second writer of the same rows); Tidemark retries on its own."
            + " If it repeats, make sure only one Tidemark pipeline writes to these tables.";
      case "40001":
        return "A serialization failure with another transaction; Tidemark retries on its own."
            + " If it repeats, make sure only one Tidemark pipeline writes to these tables.";
      case "55P03":
        return "Another session holds a lock on the table (a long query, or a transaction left"
            + " 'idle in transaction'), and Tidemark waits only briefly so that readers are not"
            + " queued behind it; Tidemark retries on its own. If it repeats, find that session"
            + " in pg_stat_activity (oldest xact_start) and end it.";
      case "22P04":
        return "The bulk-load data Tidemark sent was malformed: this is a Tidemark bug; report it"
            + " with this message.";
      case "53100":
        return "The database server's disk is full: free space, then restart Tidemark.";
      default:
        break;
    }
    if (state.startsWith("08") || state.startsWith("57P") || state.equals("53300")) {
      return "Check that the database is running and reachable at sink.jdbcUrl and accepts"
          + " connections; Tidemark retries on its own.";
    }
    if (state.startsWith("22")) {
      return "A value does not fit its column type: widen the column's type in the mapping and"
          + " in the table.";
    }
    return null;
  }
}
