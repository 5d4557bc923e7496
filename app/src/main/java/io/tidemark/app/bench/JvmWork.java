package io.tidemark.app.bench;

import io.tidemark.app.bench.Measurement.PathResult;
import io.tidemark.core.mapping.MappedRow;
import io.tidemark.core.mapping.RowMapper;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.mapping.ValueEncoding;
import io.tidemark.core.mapping.ValueRejectedException;
import io.tidemark.sink.jdbc.dialect.postgres.CopyTextBlock;
import io.tidemark.source.mongo.convert.BsonSourceDocument;
import java.util.Locale;
import org.bson.RawBsonDocument;

/**
 * The JVM's cost per document, measured without a database, in two parts that the database paths
 * cannot tell apart:
 *
 * <ul>
 *   <li>making the documents: the benchmark's generator, which stands for the bytes a MongoDB
 *       driver reads off its socket; not Tidemark's work;
 *   <li>Tidemark's own work: from the driver's raw BSON bytes ({@link RawBsonDocument}) to the
 *       bytes {@code COPY} sends, that is the lazy document, its key, the row mapping (the jsonb
 *       text included) and COPY's text form encoded as UTF-8.
 * </ul>
 *
 * <p>The second part maps a pool of {@value #POOL} documents made before it starts, round and
 * round, so that it measures no generation; the pool (about 15 MB) is larger than the caches, as a
 * stream of new documents would be. One thread, as a collection's pipeline maps on one.
 */
final class JvmWork {
  /** Documents made before Tidemark's work is timed. */
  static final int POOL = 10_000;

  private JvmWork() {}

  /** Makes documents {@code 0..rows-1} and nothing else. */
  static PathResult generate(BenchDocuments documents, long rows, Measurement.Probes probes) {
    Measurement m = Measurement.start(probes);
    long bytes = 0;
    for (long id = 0; id < rows; id++) {
      bytes += documents.document(id, 0).getByteBuffer().remaining();
    }
    return m.stop(
        "source alone: generate documents (not Tidemark's work)",
        rows,
        String.format(Locale.ROOT, "%,d bytes of BSON", bytes));
  }

  /** Maps {@code rows} documents from raw BSON to COPY's bytes, as the pipeline and sink do. */
  static PathResult tidemark(
      BenchDocuments documents,
      TableMapping mapping,
      ValueEncoding encoding,
      long rows,
      Measurement.Probes probes)
      throws ValueRejectedException {
    RawBsonDocument[] pool = new RawBsonDocument[(int) Math.min(POOL, rows)];
    for (int i = 0; i < pool.length; i++) {
      pool[i] = documents.document(i, 0);
    }
    RowMapper mapper = new RowMapper(mapping, encoding);
    int columns = mapping.tableColumns().size();
    CopyTextBlock block = new CopyTextBlock();
    long[] bytes = {0};
    CopyTextBlock.Destination<RuntimeException> counted = (b, offset, length) -> bytes[0] += length;
    Measurement m = Measurement.start(probes);
    for (long i = 0; i < rows; i++) {
      MappedRow row = mapper.map(new BsonSourceDocument(pool[(int) (i % pool.length)]));
      block.appendRow(row.values(), columns);
      if (block.isFull()) {
        block.sendTo(counted);
      }
    }
    block.sendTo(counted);
    return m.stop(
        "Tidemark alone: raw BSON -> row -> COPY bytes, no database",
        rows,
        String.format(Locale.ROOT, "%,d bytes of COPY text", bytes[0]));
  }
}
