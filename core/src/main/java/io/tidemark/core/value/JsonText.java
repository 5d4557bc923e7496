package io.tidemark.core.value;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;

/**
 * Writes a single {@link Value} as MongoDB relaxed Extended JSON, the form Tidemark stores in
 * {@code jsonb} columns: numbers stay numbers, dates stay readable.
 */
public final class JsonText {
  private JsonText() {}

  public static String of(Value value) {
    if (value instanceof Value.Text t) {
      return quote(t.value());
    } else if (value instanceof Value.Int32 i) {
      return Integer.toString(i.value());
    } else if (value instanceof Value.Int64 l) {
      return Long.toString(l.value());
    } else if (value instanceof Value.Double d) {
      return doubleJson(d.value());
    } else if (value instanceof Value.Decimal d) {
      String text = d.special() != null ? d.special() : d.value().toString();
      return "{\"$numberDecimal\":" + quote(text) + "}";
    } else if (value instanceof Value.Bool b) {
      return Boolean.toString(b.value());
    } else if (value instanceof Value.DateTime dt) {
      return dateJson(dt.epochMillis());
    } else if (value instanceof Value.ObjectId o) {
      return "{\"$oid\":" + quote(o.hex()) + "}";
    } else if (value instanceof Value.Uuid u) {
      // As MongoDB writes it: binary subtype 4 holding the UUID's 16 bytes, most significant first.
      java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(16);
      bytes
          .putLong(u.value().getMostSignificantBits())
          .putLong(u.value().getLeastSignificantBits());
      return binaryJson(bytes.array(), 4);
    } else if (value instanceof Value.Binary b) {
      return binaryJson(b.bytes(), b.subtype());
    } else if (value instanceof Value.Json j) {
      return j.json();
    } else if (value instanceof Value.Array a) {
      return a.json();
    }
    return "null"; // Missing and Null
  }

  private static String binaryJson(byte[] bytes, int subtype) {
    return "{\"$binary\":{\"base64\":"
        + quote(Base64.getEncoder().encodeToString(bytes))
        + ",\"subType\":"
        + quote(String.format("%02x", subtype))
        + "}}";
  }

  private static String doubleJson(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return "{\"$numberDouble\":" + quote(Double.toString(d)) + "}";
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return (long) d + ".0";
    }
    return Double.toString(d);
  }

  private static String dateJson(long millis) {
    // Relaxed Extended JSON writes ISO-8601 for years 1970..9999 and the number otherwise, with
    // only the fraction digits needed (.1Z, not .100Z), as the MongoDB driver writes it.
    if (millis >= 0 && millis <= 253402300799999L) {
      String iso =
          DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
              Instant.ofEpochMilli(millis).atOffset(ZoneOffset.UTC));
      return "{\"$date\":" + quote(iso) + "}";
    }
    return "{\"$date\":{\"$numberLong\":" + quote(Long.toString(millis)) + "}}";
  }

  /** A JSON string literal. */
  public static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
