package io.tidemark.core.spi;

import io.tidemark.core.mapping.MappedRow;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Reads one target table back, each row as comparable cells: what {@code tidemark verify} compares
 * a collection with. The read-only counterpart of {@link TableSink}, from {@link SinkReader}.
 *
 * <p>The sink owns the forms: a cell read from the table equals the cell {@link #cells(MappedRow)}
 * gives for the row Tidemark writes exactly when the stored value is the written one, whatever the
 * database's output spelling (a number's trailing zeros, a timestamp's zone, JSON key order). A
 * row's cells are the mapping's table columns after the key, in order, then one cell per child
 * table holding the document's child rows ({@link #cellNames()}).
 *
 * <p>Thread-safe: each read runs on a connection of its own, so two may run at once (verify reads
 * the table while it reads the collection). Reads stream in bounded memory. Every method throws
 * {@link io.tidemark.core.error.TidemarkException} ({@code SINK_UNAVAILABLE} or {@code
 * SINK_FAILED}) naming the table when the database cannot be read.
 */
public interface TableScanner {

  /** Most bucket bits a scan by bucket accepts: 65,536 buckets. */
  int MAX_BUCKET_BITS = 16;

  /** The table as reports name it (qualified and quoted). */
  String table();

  boolean exists();

  /** What each cell holds, for reports: column names, then {@code child table <name>}. */
  List<String> cellNames();

  /** The comparable cells of a row Tidemark writes, as {@link #scan} would read it back. */
  String[] cells(MappedRow row);

  /** Reads every row, in no particular order. */
  void scan(RowVisitor visitor);

  /** Reads the rows whose keys fall in these buckets of {@code 2^bits} ({@link #bucketOf}). */
  void scanBuckets(int bits, int[] buckets, RowVisitor visitor);

  /** The cells of the rows with these keys (key text), by key; keys with no row are left out. */
  Map<String, String[]> fetch(Collection<String> keys);

  /** Receives each row of a scan, on the scanning thread. */
  @FunctionalInterface
  interface RowVisitor {
    void row(String key, String[] cells);
  }

  /**
   * The bucket of a key among {@code 2^bits}: the first 16 bits of the MD5 of its UTF-8 text,
   * shifted right by {@code 16 - bits}. Every scanner computes the same in its database, so a scan
   * by bucket reads only those rows.
   */
  static int bucketOf(String key, int bits) {
    if (bits < 1 || bits > MAX_BUCKET_BITS) {
      throw new IllegalArgumentException("bucket bits must be 1 to 16, not " + bits);
    }
    try {
      byte[] d = MessageDigest.getInstance("MD5").digest(key.getBytes(StandardCharsets.UTF_8));
      int first16 = ((d[0] & 0xFF) << 8) | (d[1] & 0xFF);
      return first16 >>> (MAX_BUCKET_BITS - bits);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has MD5", e);
    }
  }
}
