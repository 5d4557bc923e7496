package io.tidemark.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import io.tidemark.app.Daemon;
import io.tidemark.core.pipeline.CollectionState;
import io.tidemark.it.support.TestPipeline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * Documents that are legal in MongoDB but easy to get wrong: field names with dots and dollar
 * signs, empty field names, a document nested 100 levels deep and a 10,000-element array. Copied
 * and streamed, each row's document must equal its source document, and the odd parts must be
 * queryable with plain jsonb operators.
 */
class OddDocumentsIT {
  private static final int DEPTH = 100;
  private static final int ARRAY_LENGTH = 10_000;

  /** A document {@code levels} deep: {@code {l: {l: ... {l: "bottom"}}}}. */
  private static Document nested(int levels) {
    Object inner = "bottom";
    for (int i = 1; i < levels; i++) {
      inner = new Document("l", inner);
    }
    return new Document("l", inner);
  }

  private static List<Document> oddDocuments(String suffix) {
    return List.of(
        new Document("_id", "dots" + suffix)
            .append("a.b", 1)
            .append("x", new Document("c.d", "e").append("...", "only dots")),
        new Document("_id", "dollars" + suffix)
            .append("$price", 5)
            .append("cost$", 6)
            .append("inner", new Document("$x", new Document("$y", true))),
        new Document("_id", "empty" + suffix)
            .append("", "empty key")
            .append("inner", new Document("", 1)),
        // The top-level document holds the first "l": 100 levels in all.
        new Document("_id", "deep" + suffix).append("l", nested(DEPTH).get("l")),
        new Document("_id", "long" + suffix)
            .append("arr", IntStream.range(0, ARRAY_LENGTH).boxed().toList()));
  }

  @Test
  void oddDocumentsAreCopiedAndStreamedFaithfully() throws Exception {
    TestPipeline p = TestPipeline.create("odd");
    MongoCollection<Document> c = p.collection("odd");
    c.insertMany(oddDocuments("-copied"));

    try (Daemon daemon = p.startDaemon(p.yaml("collections:\n  - name: odd"))) {
      TestPipeline.awaitState(daemon, CollectionState.STREAMING, Duration.ofSeconds(60));
      c.insertMany(oddDocuments("-streamed"));
      // The stand-in refuses dotted names in a replacement (MongoDB 5.0+ takes them), so the
      // dotted document changes by delete and insert; the array document by a replace.
      c.deleteOne(Filters.eq("_id", "dots-copied"));
      c.insertOne(
          new Document("_id", "dots-copied")
              .append("a.b", 2)
              .append("x", new Document("c.d", "f")));
      List<Integer> reversed = new ArrayList<>(IntStream.range(0, ARRAY_LENGTH).boxed().toList());
      Collections.reverse(reversed);
      c.replaceOne(Filters.eq("_id", "long-streamed"), new Document("arr", reversed));

      p.awaitMatch("odd", "odd", Duration.ofSeconds(60));
      assertThat(p.count("odd")).isEqualTo(10);
      assertThat(
              p.query(
                  "SELECT _id || '=' || (doc->>'a.b') || ',' || (doc->'x'->>'c.d') FROM odd"
                      + " WHERE _id LIKE 'dots%' ORDER BY _id"))
          .containsExactly("dots-copied=2,f", "dots-streamed=1,e");
      assertThat(
              p.query(
                  "SELECT (doc->>'$price') || ',' || (doc->'inner'->'$x'->>'$y') FROM odd"
                      + " WHERE _id = 'dollars-streamed'"))
          .containsExactly("5,true");
      assertThat(p.query("SELECT doc->>'' FROM odd WHERE _id = 'empty-copied'"))
          .containsExactly("empty key");
      String path = String.join(",", Collections.nCopies(DEPTH, "l"));
      assertThat(
              p.query(
                  "SELECT _id || '=' || (doc #>> '{"
                      + path
                      + "}') FROM odd"
                      + " WHERE _id LIKE 'deep%' ORDER BY _id"))
          .containsExactly("deep-copied=bottom", "deep-streamed=bottom");
      assertThat(
              p.query(
                  "SELECT _id || '=' || jsonb_array_length(doc->'arr') || ',' || (doc->'arr'->>0)"
                      + " FROM odd WHERE _id LIKE 'long%' ORDER BY _id"))
          .containsExactly("long-copied=10000,0", "long-streamed=10000,9999");
      assertThat(TestPipeline.status(daemon, "odd").state()).isEqualTo(CollectionState.STREAMING);
    }
  }
}
