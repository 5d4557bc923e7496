package io.tidemark.core.testing;

import io.tidemark.core.mapping.ValueEncoding;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;

/**
 * The encoding of core's tests: each value spelled as the name of the method that spelled it and
 * Java's text of what that method was given ({@code binary:001fab}, {@code array[1, null]}), so a
 * test sees that the converter checked a value and handed on the right thing. Real spellings are
 * the sinks' to test (PostgreSQL's in sink-jdbc).
 */
public final class TaggedValueEncoding implements ValueEncoding {

  public static final TaggedValueEncoding INSTANCE = new TaggedValueEncoding();

  private static final HexFormat HEX = HexFormat.of();

  private TaggedValueEncoding() {}

  @Override
  public String array(List<String> elements) {
    return "array" + elements;
  }

  @Override
  public String binary(byte[] bytes) {
    return "binary:" + HEX.formatHex(bytes);
  }

  @Override
  public String bool(boolean value) {
    return "bool:" + value;
  }

  @Override
  public String timestamp(Instant instant) {
    return "timestamp:" + instant;
  }

  @Override
  public String date(LocalDate day) {
    return "date:" + day;
  }

  @Override
  public String nonFinite(double value) {
    return "nonFinite:" + value;
  }
}
