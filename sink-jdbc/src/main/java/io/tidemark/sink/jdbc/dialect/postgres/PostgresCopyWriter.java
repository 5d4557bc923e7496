package io.tidemark.sink.jdbc.dialect.postgres;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Streams rows into {@code COPY ... FROM STDIN (FORMAT text)} in the form {@link CopyText} writes.
 * Rows go out in blocks of about {@link CopyText#BLOCK_CHARS} characters, so memory stays flat
 * however large the chunk.
 */
final class PostgresCopyWriter {

  private PostgresCopyWriter() {}

  static long copy(Connection connection, String sql, List<String[]> rows, int columnCount)
      throws SQLException {
    CopyIn copyIn = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
    try {
      StringBuilder block = new StringBuilder(CopyText.BLOCK_CHARS + 4096);
      for (String[] values : rows) {
        CopyText.appendRow(block, values, columnCount);
        if (block.length() >= CopyText.BLOCK_CHARS) {
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
}
