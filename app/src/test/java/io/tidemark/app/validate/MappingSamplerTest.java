package io.tidemark.app.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.core.mapping.ColumnMapping;
import io.tidemark.core.mapping.OnError;
import io.tidemark.core.mapping.SqlType;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.mapping.ValueEncoding;
import io.tidemark.core.value.FieldPath;
import io.tidemark.sink.jdbc.dialect.postgres.PostgresValueEncoding;
import io.tidemark.source.mongo.convert.BsonSourceDocument;
import java.util.List;
import java.util.stream.Stream;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Test;

class MappingSamplerTest {
  private static final ValueEncoding POSTGRES = PostgresValueEncoding.INSTANCE;

  private static ColumnMapping column(String field, String column, String type) {
    return new ColumnMapping(FieldPath.parse(field), column, SqlType.parse(type).orElseThrow());
  }

  private static final TableMapping ORDERS =
      new TableMapping(
          "orders",
          "orders",
          "_id",
          List.of(
              column("price", "price", "numeric(12,2)"),
              column("qty", "qty", "integer"),
              column("tags", "tags", "text[]")),
          "doc",
          OnError.DEADLETTER);

  private static List<BsonSourceDocument> documents(String... json) {
    return Stream.of(json).map(j -> new BsonSourceDocument(RawBsonDocument.parse(j))).toList();
  }

  @Test
  void countsPerColumnWhatFitsWhatIsEmptyAndWhatIsRefused() {
    MappingSample s =
        MappingSampler.check(
            ORDERS,
            "CREATE TABLE x",
            documents(
                "{_id: 'a', price: 1.5, qty: 1, tags: ['x']}",
                "{_id: 'b', price: 12.345, qty: 2}",
                "{_id: 'c', price: null, qty: 'three', tags: ['y', {k: 1}]}",
                "{_id: 'd', qty: {$numberLong: '4'}, tags: []}",
                "{_id: 'e', price: 0.001, tags: 'not an array'}"),
            POSTGRES);

    assertThat(s.collection()).isEqualTo("orders");
    assertThat(s.ddl()).isEqualTo("CREATE TABLE x");
    assertThat(s.onError()).isEqualTo(OnError.DEADLETTER);
    assertThat(s.sampled()).isEqualTo(5);
    assertThat(s.refused()).as("b, c and e").isEqualTo(3);
    assertThat(s.misfits())
        .containsExactly(
            new MappingSample.ColumnMisfit("price", "price", "numeric(12,2)", 1, 2, 2),
            new MappingSample.ColumnMisfit("qty", "qty", "integer", 3, 1, 1),
            new MappingSample.ColumnMisfit("tags", "tags", "text[]", 2, 1, 2));
    assertThat(s.examples())
        .containsExactly(
            "orders.price (document _id b): Double '12.345' cannot be stored in column price"
                + " numeric(12,2): it has 3 decimal places and the column keeps 2, so it would be"
                + " rounded; widen the scale or use numeric",
            "orders.qty (document _id c): String '\"three\"' cannot be stored in column qty"
                + " integer: it is not a number; map the field as text or jsonb",
            "orders.price (document _id e): Double '0.001' cannot be stored in column price"
                + " numeric(12,2): it has 3 decimal places and the column keeps 2, so it would be"
                + " rounded; widen the scale or use numeric");
  }

  @Test
  void aSampleThatFitsHasNoMisfitsAndTheExamplesStopAtTheLimit() {
    assertThat(MappingSampler.check(ORDERS, "", documents("{_id: 1, qty: 5}"), POSTGRES).misfits())
        .isEmpty();

    String[] bad = new String[MappingSampler.EXAMPLES + 3];
    for (int i = 0; i < bad.length; i++) {
      bad[i] = "{_id: " + i + ", qty: 'x'}";
    }
    MappingSample s = MappingSampler.check(ORDERS, "", documents(bad), POSTGRES);
    assertThat(s.refused()).isEqualTo(bad.length);
    assertThat(s.examples()).hasSize(MappingSampler.EXAMPLES);
  }

  @Test
  void anEvolvingCollectionListsTheColumnsItsSampledFieldsWouldAdd() {
    TableMapping readings =
        new TableMapping(
            "readings",
            "readings",
            "_id",
            List.of(column("sensor", "sensor", "text")),
            "doc",
            null,
            OnError.FAIL,
            io.tidemark.core.mapping.OnHistoryLost.FAIL,
            List.of(),
            List.of(),
            io.tidemark.core.mapping.SchemaEvolution.ADDCOLUMNS);

    MappingSample s =
        MappingSampler.check(
            readings,
            "CREATE TABLE x",
            documents(
                "{_id: 1, sensor: 's', t: 1, doc: true}",
                "{_id: 2, t: {$numberLong: '2'}, v: 1}",
                "{_id: 3, v: 'high', u: null}"),
            POSTGRES);

    assertThat(s.newColumns())
        .containsExactly(
            new MappingSample.NewColumn("t", "t", "bigint", 2, List.of("Int32", "Int64")),
            new MappingSample.NewColumn("doc", "doc_2", "boolean", 1, List.of("Boolean")),
            new MappingSample.NewColumn("v", "v", "jsonb", 2, List.of("Int32", "String")));
  }
}
