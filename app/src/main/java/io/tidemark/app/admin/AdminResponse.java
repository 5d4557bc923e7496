package io.tidemark.app.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One answer of the admin API: status code, content type, body and extra headers.
 *
 * @param headers extra response headers (e.g. {@code Allow}); never null
 */
record AdminResponse(int status, String contentType, byte[] body, Map<String, String> headers) {

  static final String JSON = "application/json; charset=utf-8";

  /** What Prometheus expects from a scrape in the text format. */
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  AdminResponse {
    headers = Map.copyOf(headers);
  }

  static AdminResponse json(int status, JsonNode body) {
    try {
      return new AdminResponse(status, JSON, MAPPER.writeValueAsBytes(body), Map.of());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree could not be written", e);
    }
  }

  /** {@code {"error": message}} plus any extra fields. */
  static AdminResponse error(int status, String message) {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("error", message);
    return json(status, body);
  }

  static AdminResponse text(int status, String contentType, String body) {
    return new AdminResponse(status, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  AdminResponse withHeader(String name, String value) {
    Map<String, String> more = new java.util.HashMap<>(headers);
    more.put(name, value);
    return new AdminResponse(status, contentType, body, more);
  }
}
