package io.tidemark.sink.jdbc.dialect.postgres;

/**
 * The bytes a row becomes on its way to {@code COPY ... FROM STDIN (FORMAT text)}: values are
 * already PostgreSQL text input, so the only work is COPY's own escaping, a tab between values and
 * a newline after the row. Public so that the benchmark can measure this last step of Tidemark's
 * per-document work without a database. Stateless.
 */
public final class CopyText {

  /** Characters collected before a block is sent; large enough to amortise the per-call cost. */
  public static final int BLOCK_CHARS = 1 << 16;

  private CopyText() {}

  /** Appends one row of {@code columnCount} values, null as {@code \N}, ended by a newline. */
  public static void appendRow(StringBuilder block, String[] values, int columnCount) {
    for (int i = 0; i < columnCount; i++) {
      if (i > 0) {
        block.append('\t');
      }
      appendEscaped(block, values[i]);
    }
    block.append('\n');
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
