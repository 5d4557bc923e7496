package io.tidemark.core.value;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Text held as its UTF-8 bytes: a cell a source writes as UTF-8 (the document's JSON, written from
 * BSON's bytes) and a sink sends as UTF-8 (COPY's input), so that the text is never decoded to
 * UTF-16 and encoded again on its way (see docs/performance.md, issue 14). A consumer that needs
 * characters reads it as a {@link CharSequence}: the first such read decodes it, once.
 *
 * <p>The bytes are well-formed UTF-8 (the producer's promise): ASCII bytes are the ASCII characters
 * they stand for, and no byte of a multi-byte character is ASCII, so a search for an ASCII
 * character or word among the bytes finds exactly what a search among the characters finds.
 *
 * <p>Immutable and thread-safe. Equal to another {@code Utf8Text} of the same bytes; like every
 * {@code CharSequence}, never equal to a {@code String}: compare {@link #toString()}.
 */
public final class Utf8Text implements CharSequence {
  private static final VarHandle LITTLE_ENDIAN_LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH_BITS = 0x8080808080808080L;

  private final byte[] bytes;

  /** The decoded text, made on first use; a race makes it twice, equal, as String's hash. */
  private String decoded;

  private Utf8Text(byte[] bytes) {
    this.bytes = bytes;
  }

  /** The text of {@code length} well-formed UTF-8 bytes of {@code buffer} from {@code offset}. */
  public static Utf8Text copyOf(byte[] buffer, int offset, int length) {
    return new Utf8Text(Arrays.copyOfRange(buffer, offset, offset + length));
  }

  /** The text of a {@code String} (a surrogate without its pair becomes {@code ?}). */
  public static Utf8Text encode(String text) {
    return new Utf8Text(text.getBytes(StandardCharsets.UTF_8));
  }

  public int byteLength() {
    return bytes.length;
  }

  public byte byteAt(int index) {
    return bytes[index];
  }

  /** Copies bytes {@code from} (inclusive) to {@code to} (exclusive) into {@code target}. */
  public void copyBytes(int from, int to, byte[] target, int targetOffset) {
    System.arraycopy(bytes, from, target, targetOffset, to - from);
  }

  /**
   * The first index at or after {@code from} of the ASCII character {@code c}, or -1. Eight bytes
   * are tested at a time (the check for a zero byte in a word, after an XOR with {@code c} in every
   * byte): a document's JSON is searched whole, for a character it seldom holds.
   */
  public int indexOf(char c, int from) {
    byte b = (byte) c;
    long pattern = (b & 0xFFL) * ONES;
    int i = Math.max(0, from);
    for (; i + Long.BYTES <= bytes.length; i += Long.BYTES) {
      long x = (long) LITTLE_ENDIAN_LONGS.get(bytes, i) ^ pattern;
      // The lowest flagged byte is the first zero byte; a borrow can only flag bytes above it.
      long zeros = (x - ONES) & ~x & HIGH_BITS;
      if (zeros != 0) {
        return i + (Long.numberOfTrailingZeros(zeros) >>> 3);
      }
    }
    for (; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public int length() {
    return toString().length();
  }

  @Override
  public char charAt(int index) {
    return toString().charAt(index);
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    return toString().subSequence(start, end);
  }

  @Override
  public String toString() {
    String text = decoded;
    if (text == null) {
      text = new String(bytes, StandardCharsets.UTF_8);
      decoded = text;
    }
    return text;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Utf8Text that && Arrays.equals(bytes, that.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }
}
