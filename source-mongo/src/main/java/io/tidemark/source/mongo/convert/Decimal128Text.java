package io.tidemark.source.mongo.convert;

/**
 * A Decimal128's text as the driver writes it ({@code Decimal128.toString()}, the General Decimal
 * Arithmetic's to-scientific-string), written from the BID bits straight into a byte buffer, for
 * the coefficients that fit in a long, which are all that money and measures hold. The driver
 * builds a BigInteger, a BigDecimal and two Strings per value; here no object is made. The rest
 * (NaN, the infinities, larger coefficients) is left to the driver. {@code RelaxedJsonTest} holds
 * both to the same text. Stateless.
 */
final class Decimal128Text {
  /** Bytes the longest text written here takes: sign, 19 digits, point, exponent. */
  static final int MAX_LENGTH = 32;

  /** Both top combination bits set: NaN, the infinities, or a coefficient in the other form. */
  private static final long SPECIAL_FORM = 3L << 61;

  private static final long EXPONENT_BITS = 0x7FFF800000000000L;
  private static final int EXPONENT_BIAS = 6176;

  /** The coefficient's bits in the high word. */
  private static final long HIGH_COEFFICIENT_BITS = 0x0001FFFFFFFFFFFFL;

  /**
   * Plain notation down to this adjusted exponent; scientific below it and for any exponent > 0.
   */
  private static final int LOWEST_PLAIN_ADJUSTED = -6;

  private Decimal128Text() {}

  /**
   * Writes the text of the Decimal128 with these BID words at {@code at} (with {@link #MAX_LENGTH}
   * bytes of room); returns the offset after it, or -1 when it is left to the driver.
   */
  static int write(long high, long low, byte[] out, int at) {
    if ((high & SPECIAL_FORM) == SPECIAL_FORM || (high & HIGH_COEFFICIENT_BITS) != 0 || low < 0) {
      return -1;
    }
    int exponent = (int) ((high & EXPONENT_BITS) >>> 49) - EXPONENT_BIAS;
    int length = AsciiDigits.width(low);
    int adjusted = exponent + length - 1;
    int p = at;
    if (high < 0) {
      out[p++] = '-';
    }
    if (exponent > 0 || adjusted < LOWEST_PLAIN_ADJUSTED) {
      // d.dddE+n: the digits one place on, then the first moved before the point
      AsciiDigits.write(low, length, out, p + 1);
      out[p] = out[p + 1];
      if (length > 1) {
        out[p + 1] = '.';
        p += length + 1;
      } else {
        p++;
      }
      out[p++] = 'E';
      if (adjusted > 0) {
        out[p++] = '+';
      } else {
        out[p++] = '-';
      }
      int magnitude = Math.abs(adjusted);
      return AsciiDigits.write(magnitude, AsciiDigits.width(magnitude), out, p);
    }
    if (exponent == 0) {
      return AsciiDigits.write(low, length, out, p);
    }
    int fraction = -exponent;
    if (length > fraction) {
      // ddd.ddd: the digits, then the fraction moved one place on for the point
      int whole = length - fraction;
      AsciiDigits.write(low, length, out, p);
      System.arraycopy(out, p + whole, out, p + whole + 1, fraction);
      out[p + whole] = '.';
      return p + length + 1;
    }
    out[p++] = '0';
    out[p++] = '.';
    for (int i = length; i < fraction; i++) {
      out[p++] = '0';
    }
    return AsciiDigits.write(low, length, out, p);
  }
}
