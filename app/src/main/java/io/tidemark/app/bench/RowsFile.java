package io.tidemark.app.bench;

import io.tidemark.sink.jdbc.dialect.postgres.CopyTextBlock;
import io.tidemark.source.mongo.convert.BsonSourceDocument;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The benchmark's rows rendered once, before any timing, in PostgreSQL's COPY text format ({@code
 * key TAB json LF}): the baselines read them from here, so what they measure is the database and
 * the driver alone — the limit — while Tidemark's paths generate and map the same documents on the
 * fly, as they would read them from MongoDB.
 *
 * <p>Each row is rendered exactly as Tidemark renders it (the MongoDB source's document wrapper and
 * its relaxed Extended JSON), so every path writes byte-identical rows. A file rather than memory
 * keeps the benchmark inside a 256 MB heap; the operating system's cache makes reading it cheap.
 */
final class RowsFile implements AutoCloseable {
  private final Path path;
  private final long rows;

  private RowsFile(Path path, long rows) {
    this.path = path;
    this.rows = rows;
  }

  /** Renders documents {@code 0..rows-1} (version 0) into a temporary file. */
  static RowsFile write(BenchDocuments documents, long rows) throws IOException {
    Path path = Files.createTempFile("tidemark-bench-rows-", ".copy");
    try (OutputStream out = Files.newOutputStream(path)) {
      CopyTextBlock block = new CopyTextBlock();
      for (long id = 0; id < rows; id++) {
        BsonSourceDocument doc = new BsonSourceDocument(documents.document(id, 0));
        block.appendRow(new String[] {doc.key().text(), doc.toJson()}, 2);
        if (block.isFull()) {
          block.sendTo(out::write);
        }
      }
      block.sendTo(out::write);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(path);
      throw e;
    }
    return new RowsFile(path, rows);
  }

  long rows() {
    return rows;
  }

  long sizeInBytes() {
    try {
      return Files.size(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  InputStream openStream() throws IOException {
    return Files.newInputStream(path);
  }

  /** Reads rows back as (key, json) pairs, for the baselines that bind parameters. */
  Reader openReader() throws IOException {
    return new Reader(Files.newBufferedReader(path, StandardCharsets.UTF_8));
  }

  @Override
  public void close() throws IOException {
    Files.deleteIfExists(path);
  }

  /** Sequential reader of the rows. One thread. */
  static final class Reader implements AutoCloseable {
    private final BufferedReader in;
    private String key;
    private String json;

    private Reader(BufferedReader in) {
      this.in = in;
    }

    /** Moves to the next row. @return false at the end */
    boolean next() throws IOException {
      String line = in.readLine();
      if (line == null) {
        return false;
      }
      int tab = line.indexOf('\t');
      key = unescape(line.substring(0, tab));
      json = unescape(line.substring(tab + 1));
      return true;
    }

    String key() {
      return key;
    }

    String json() {
      return json;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  static String unescape(String value) {
    if (value.indexOf('\\') < 0) {
      return value;
    }
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c != '\\' || i + 1 == value.length()) {
        out.append(c);
        continue;
      }
      char e = value.charAt(++i);
      out.append(e == 't' ? '\t' : e == 'n' ? '\n' : e == 'r' ? '\r' : e);
    }
    return out.toString();
  }
}
