package io.tidemark.sink.jdbc.dialect.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.core.mapping.SqlType;
import org.junit.jupiter.api.Test;

class PostgresColumnTypesTest {

  private static SqlType type(String written) {
    return SqlType.parse(written).orElseThrow();
  }

  private static boolean fits(String expected, String found) {
    return PostgresColumnTypes.isCompatible(type(expected), found);
  }

  @Test
  void theSameTypeFits() {
    assertThat(fits("text", "text")).isTrue();
    assertThat(fits("numeric(12,2)", "numeric(12,2)")).isTrue();
    assertThat(fits("timestamptz", "timestamp with time zone")).isTrue();
    assertThat(fits("jsonb", "jsonb")).isTrue();
    assertThat(fits("bytea", "bytea")).isTrue();
    assertThat(fits("uuid", "uuid")).isTrue();
    assertThat(fits("double precision", "double precision")).isTrue();
    assertThat(fits("varchar(10)", "character varying(10)")).isTrue();
    assertThat(fits("boolean", "boolean")).isTrue();
    assertThat(fits("date", "date")).isTrue();
  }

  @Test
  void aWiderTypeFits() {
    assertThat(fits("integer", "bigint")).isTrue();
    assertThat(fits("bigint", "numeric")).isTrue();
    assertThat(fits("numeric(12,2)", "numeric(14,3)")).isTrue();
    assertThat(fits("numeric(12,2)", "numeric")).isTrue();
    assertThat(fits("varchar(10)", "text")).isTrue();
    assertThat(fits("text", "character varying")).isTrue();
  }

  @Test
  void aNarrowerOrDifferentTypeDoesNot() {
    assertThat(fits("numeric(12,2)", "numeric(12,1)")).isFalse();
    assertThat(fits("numeric(12,2)", "numeric(11,2)")).isFalse();
    assertThat(fits("numeric", "numeric(20,4)")).isFalse();
    assertThat(fits("bigint", "integer")).isFalse();
    assertThat(fits("text", "character varying(50)")).isFalse();
    assertThat(fits("varchar(10)", "character varying(5)")).isFalse();
    assertThat(fits("timestamptz", "timestamp without time zone")).isFalse();
    assertThat(fits("jsonb", "text")).isFalse();
    assertThat(fits("numeric(12,2)", "text")).isFalse();
  }

  @Test
  void textTypesAreNotCastSoTheColumnChecksTheLength() {
    assertThat(PostgresColumnTypes.castFromText(type("varchar(3)"))).isEmpty();
    assertThat(PostgresColumnTypes.castFromText(type("text"))).isEmpty();
    assertThat(PostgresColumnTypes.castFromText(type("numeric(12,2)"))).isEqualTo("::numeric");
    assertThat(PostgresColumnTypes.castFromText(type("jsonb"))).isEqualTo("::jsonb");
  }

  @Test
  void anArrayFitsAnArrayOfElementsThatFit() {
    assertThat(fits("bigint[]", "bigint[]")).isTrue();
    assertThat(fits("integer[]", "bigint[]")).isTrue();
    assertThat(fits("bigint[]", "numeric[]")).isTrue();
    assertThat(fits("text[]", "text[]")).isTrue();
    assertThat(fits("text[]", "character varying[]")).isTrue();
    assertThat(fits("numeric(12,2)[]", "numeric(14,3)[]")).isTrue();
    assertThat(fits("double precision[]", "double precision[]")).isTrue();
    assertThat(fits("boolean[]", "boolean[]")).isTrue();

    assertThat(fits("bigint[]", "integer[]")).isFalse();
    assertThat(fits("bigint[]", "bigint")).as("scalar column").isFalse();
    assertThat(fits("bigint", "bigint[]")).as("array column").isFalse();
    assertThat(fits("text[]", "text")).isFalse();
    assertThat(fits("text[]", "jsonb")).isFalse();
    assertThat(fits("numeric(12,2)[]", "numeric(12,1)[]")).isFalse();
    assertThat(fits("text[]", "character varying(5)[]")).isFalse();
  }

  @Test
  void anArrayIsCastAsAWholeFromItsLiteral() {
    assertThat(PostgresColumnTypes.castFromText(type("text[]"))).isEqualTo("::text[]");
    assertThat(PostgresColumnTypes.castFromText(type("bigint[]"))).isEqualTo("::bigint[]");
    assertThat(PostgresColumnTypes.castFromText(type("numeric(12,2)[]"))).isEqualTo("::numeric[]");
    assertThat(PostgresColumnTypes.castFromText(type("double precision[]")))
        .isEqualTo("::double precision[]");
  }
}
