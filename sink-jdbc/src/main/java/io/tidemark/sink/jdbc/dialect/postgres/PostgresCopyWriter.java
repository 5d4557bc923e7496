package io.tidemark.sink.jdbc.dialect.postgres;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Streams rows into {@code COPY ... FROM STDIN (FORMAT text)}: values are already PostgreSQL text
 * input, so the only work is COPY's own escaping. Rows go out in blocks of about {@link
 * #BLOCK_CHARS} characters, so memory stays flat however large the chunk.
 */
final class PostgresCopyWriter {

  /** Characters collected before a block is sent; large enough to amortise the per-call cost. */
  static final int BLOCK_CHARS = 1 << 16;

  private PostgresCopyWriter() {}

  static long copy(Connection connection, String sql, List<String[]> rows, int columnCount)
      throws SQLException {
    CopyIn copyIn = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
    try {
      StringBuilder block = new StringBuilder(BLOCK_CHARS + 4096);
      for (String[] values : rows) {
        for (int i = 0; i < columnCount; i++) {
          if (i > 0) {
            block.append('\t');
          }
          appendEscaped(block, values[i]);
        }
        block.append('\n');
        if (block.length() >= BLOCK_CHARS) {
          send(copyIn, block);
        }
      }
      send(copyIn, block);
      return copyIn.endCopy();
    } catch (SQLException | RuntimeException e) {
      cancelAfter(copyIn, e);
      throw e;
    }
  }

  /**
   * Ends a failed copy. On a broken connection the cancel fails too; the first failure says what
   * happened (a connection that went silent, say), so the cancel's is only attached to it.
   */
  private static void cancelAfter(CopyIn copyIn, Exception failure) {
    if (copyIn.isActive()) {
      try {
        copyIn.cancelCopy();
      } catch (SQLException cancelFailure) {
        failure.addSuppressed(cancelFailure);
      }
    }
  }

  private static void send(CopyIn copyIn, StringBuilder block) throws SQLException {
    if (block.length() > 0) {
      byte[] bytes = block.toString().getBytes(StandardCharsets.UTF_8);
      copyIn.writeToCopy(bytes, 0, bytes.length);
      block.setLength(0);
    }
  }

  /** Appends a value in COPY text form: {@code \N} for null, and {@code \ TAB LF CR} escaped. */
  static void appendEscaped(StringBuilder out, String value) {
    if (value == null) {
      out.append("\\N");
      return;
    }
    int n = value.length();
    int start = 0;
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      String escape;
      switch (c) {
        case '\\':
          escape = "\\\\";
          break;
        case '\t':
          escape = "\\t";
          break;
        case '\n':
          escape = "\\n";
          break;
        case '\r':
          escape = "\\r";
          break;
        default:
          continue;
      }
      out.append(value, start, i).append(escape);
      start = i + 1;
    }
    out.append(value, start, n);
  }
}
