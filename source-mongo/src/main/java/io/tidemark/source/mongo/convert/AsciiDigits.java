package io.tidemark.source.mongo.convert;

/** Decimal digits of non-negative numbers, written as ASCII bytes in place. Stateless. */
final class AsciiDigits {
  private AsciiDigits() {}

  /** How many digits a non-negative number has. */
  static int width(long value) {
    int width = 1;
    for (long rest = value / 10; rest != 0; rest /= 10) {
      width++;
    }
    return width;
  }

  /** The last {@code width} digits of a non-negative number, zero-padded; returns the end. */
  static int write(long value, int width, byte[] out, int at) {
    long rest = value;
    for (int i = at + width - 1; i >= at; i--) {
      out[i] = (byte) ('0' + rest % 10);
      rest /= 10;
    }
    return at + width;
  }
}
