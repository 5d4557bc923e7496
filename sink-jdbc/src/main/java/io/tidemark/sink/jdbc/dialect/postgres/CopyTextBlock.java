package io.tidemark.sink.jdbc.dialect.postgres;

import io.tidemark.core.value.Utf8Text;
import java.util.Arrays;

/**
 * A block of rows on its way to {@code COPY ... FROM STDIN (FORMAT text)}, held as the UTF-8 bytes
 * COPY reads. Values are already PostgreSQL text input, so the only work is COPY's own escaping, a
 * tab between values and a newline after the row. A value held as UTF-8 bytes (the document's JSON,
 * {@link Utf8Text}) is escaped byte by byte and never decoded; a {@code String} is escaped and
 * encoded in one pass over its characters. Either goes straight into the block, so no {@code
 * String} of the block is built and encoded again (see docs/performance.md, issue 14).
 *
 * <p>The bytes are those of the row text encoded by {@code String.getBytes(UTF_8)}: a surrogate
 * without its pair becomes {@code ?}. Public so that the benchmark can measure this last step of
 * Tidemark's per-document work without a database. One thread: a block belongs to one copy.
 */
public final class CopyTextBlock {

  /** Bytes collected before a block is sent; large enough to amortise the per-call cost. */
  public static final int BLOCK_BYTES = 1 << 16;

  /** Where a full block goes: COPY's input, a file, a counter. */
  @FunctionalInterface
  public interface Destination<E extends Exception> {
    void write(byte[] bytes, int offset, int length) throws E;
  }

  /** For each ASCII character, the letter COPY escapes it with after a backslash; 0 for none. */
  private static final byte[] ESCAPES = new byte[128];

  static {
    ESCAPES['\\'] = '\\';
    ESCAPES['\t'] = 't';
    ESCAPES['\n'] = 'n';
    ESCAPES['\r'] = 'r';
  }

  private byte[] bytes = new byte[BLOCK_BYTES + (BLOCK_BYTES >> 2)];
  private int size;

  /**
   * Appends one row of {@code columnCount} values, null as {@code \N}, ended by a newline. A value
   * held as UTF-8 bytes ({@link Utf8Text}) is escaped as bytes, never decoded.
   */
  public void appendRow(CharSequence[] values, int columnCount) {
    for (int i = 0; i < columnCount; i++) {
      if (i > 0) {
        ensure(1);
        bytes[size++] = '\t';
      }
      CharSequence value = values[i];
      if (value instanceof Utf8Text utf8) {
        appendEscaped(utf8);
      } else {
        appendEscaped(value == null ? null : value.toString());
      }
    }
    ensure(1);
    bytes[size++] = '\n';
  }

  /** True once the block holds {@link #BLOCK_BYTES} or more: time to send it. */
  public boolean isFull() {
    return size >= BLOCK_BYTES;
  }

  /** Writes the block's bytes, if any, to {@code destination} and empties the block. */
  public <E extends Exception> void sendTo(Destination<E> destination) throws E {
    if (size > 0) {
      destination.write(bytes, 0, size);
      size = 0;
    }
  }

  /** Appends a value in COPY text form: {@code \N} for null, and {@code \ TAB LF CR} escaped. */
  private void appendEscaped(String value) {
    if (value == null) {
      ensure(2);
      bytes[size++] = '\\';
      bytes[size++] = 'N';
      return;
    }
    int n = value.length();
    ensure(3 * n); // three bytes per character at most: a pair of surrogates takes four
    byte[] out = bytes;
    int p = size;
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c < 0x80) {
        byte escape = ESCAPES[c];
        if (escape != 0) {
          out[p++] = '\\';
          c = (char) escape;
        }
        out[p++] = (byte) c;
      } else if (c < 0x800) {
        out[p++] = (byte) (0xC0 | c >> 6);
        out[p++] = (byte) (0x80 | (c & 0x3F));
      } else if (!Character.isSurrogate(c)) {
        out[p++] = (byte) (0xE0 | c >> 12);
        out[p++] = (byte) (0x80 | (c >> 6 & 0x3F));
        out[p++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        int codePoint = Character.toCodePoint(c, value.charAt(++i));
        out[p++] = (byte) (0xF0 | codePoint >> 18);
        out[p++] = (byte) (0x80 | (codePoint >> 12 & 0x3F));
        out[p++] = (byte) (0x80 | (codePoint >> 6 & 0x3F));
        out[p++] = (byte) (0x80 | (codePoint & 0x3F));
      } else {
        out[p++] = '?'; // as String.getBytes(UTF_8) replaces a surrogate without its pair
      }
    }
    size = p;
  }

  /**
   * Appends UTF-8 text in COPY text form. COPY's escapes are ASCII, which UTF-8 holds as they are,
   * so the bytes between two escaped characters are copied as they are.
   */
  private void appendEscaped(Utf8Text value) {
    int n = value.byteLength();
    ensure(2 * n);
    int copied = 0;
    for (int i = 0; i < n; i++) {
      byte b = value.byteAt(i);
      if (b >= 0 && ESCAPES[b] != 0) {
        value.copyBytes(copied, i, bytes, size);
        size += i - copied;
        bytes[size++] = '\\';
        bytes[size++] = ESCAPES[b];
        copied = i + 1;
      }
    }
    value.copyBytes(copied, n, bytes, size);
    size += n - copied;
  }

  private void ensure(int more) {
    if (size + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
    }
  }
}
