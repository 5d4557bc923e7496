package io.tidemark.sink.jdbc.dialect.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Streams rows into {@code COPY ... FROM STDIN (FORMAT text)} in the form {@link CopyTextBlock}
 * writes. Rows go out in blocks of about {@link CopyTextBlock#BLOCK_BYTES} bytes, so memory stays
 * flat however large the chunk.
 */
final class PostgresCopyWriter {

  private PostgresCopyWriter() {}

  static long copy(
      Connection connection, String sql, List<? extends CharSequence[]> rows, int columnCount)
      throws SQLException {
    CopyIn copyIn = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
    try {
      CopyTextBlock block = new CopyTextBlock();
      for (CharSequence[] values : rows) {
        block.appendRow(values, columnCount);
        if (block.isFull()) {
          block.sendTo(copyIn::writeToCopy);
        }
      }
      block.sendTo(copyIn::writeToCopy);
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
}
