package io.tidemark.app.verify;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A 128-bit hash of one row — its key and the comparable forms of its other columns — and the
 * bucket its key falls in. Both sides of a comparison compute them the same way, so a bucket's
 * digest (the sum of its rows' hashes) is equal on both sides when the bucket's rows are, in
 * whatever order the rows were read.
 *
 * <p>The bucket is {@link io.tidemark.core.spi.TableScanner#bucketOf}, which the table's scanner
 * computes in the database too, so a drill-down reads only the rows of the buckets that differ.
 */
record RowHash(long high, long low) {

  /** Hashes the key and cells with length prefixes, so no two different rows share an input. */
  static RowHash of(String key, String[] cells) {
    MessageDigest md5 = md5();
    feed(md5, key);
    for (String cell : cells) {
      feed(md5, cell);
    }
    byte[] d = md5.digest();
    return new RowHash(longAt(d, 0), longAt(d, 8));
  }

  private static void feed(MessageDigest md, String s) {
    if (s == null) {
      md.update(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
      return;
    }
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    int n = bytes.length;
    md.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
    md.update(bytes);
  }

  private static long longAt(byte[] b, int from) {
    long v = 0;
    for (int i = from; i < from + 8; i++) {
      v = (v << 8) | (b[i] & 0xFF);
    }
    return v;
  }

  private static final ThreadLocal<MessageDigest> MD5 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("MD5");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("every JVM has MD5", e);
            }
          });

  /** This thread's digest, reset. */
  private static MessageDigest md5() {
    MessageDigest md = MD5.get();
    md.reset();
    return md;
  }
}
