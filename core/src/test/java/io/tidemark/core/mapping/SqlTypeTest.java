package io.tidemark.core.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.core.mapping.SqlType.Kind;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SqlTypeTest {

  @Test
  void parsesEveryAcceptedName() {
    assertThat(SqlType.parse("text")).contains(SqlType.TEXT);
    assertThat(SqlType.parse("varchar(80)")).contains(new SqlType(Kind.VARCHAR, 80, 0));
    assertThat(SqlType.parse("character varying (10)")).contains(new SqlType(Kind.VARCHAR, 10, 0));
    assertThat(SqlType.parse("integer")).contains(new SqlType(Kind.INTEGER, 0, 0));
    assertThat(SqlType.parse("int")).contains(new SqlType(Kind.INTEGER, 0, 0));
    assertThat(SqlType.parse("int8")).contains(new SqlType(Kind.BIGINT, 0, 0));
    assertThat(SqlType.parse("Double   Precision")).contains(new SqlType(Kind.DOUBLE, 0, 0));
    assertThat(SqlType.parse("numeric")).contains(new SqlType(Kind.NUMERIC, 0, 0));
    assertThat(SqlType.parse(" NUMERIC( 12 , 2 ) ")).contains(new SqlType(Kind.NUMERIC, 12, 2));
    assertThat(SqlType.parse("decimal(5)")).contains(new SqlType(Kind.NUMERIC, 5, 0));
    assertThat(SqlType.parse("bool")).contains(new SqlType(Kind.BOOLEAN, 0, 0));
    assertThat(SqlType.parse("timestamp with time zone"))
        .contains(new SqlType(Kind.TIMESTAMPTZ, 0, 0));
    assertThat(SqlType.parse("date")).contains(new SqlType(Kind.DATE, 0, 0));
    assertThat(SqlType.parse("uuid")).contains(new SqlType(Kind.UUID, 0, 0));
    assertThat(SqlType.parse("bytea")).contains(new SqlType(Kind.BYTEA, 0, 0));
    assertThat(SqlType.parse("jsonb")).contains(SqlType.JSONB);
  }

  @Test
  void rejectsWhatItCannotCheck() {
    for (String bad :
        new String[] {
          "nummeric",
          "timestamp",
          "json",
          "varchar",
          "varchar(0)",
          "varchar(10,2)",
          "numeric(0)",
          "numeric(2,3)",
          "numeric(1001)",
          "numeric(-1)",
          "smallint",
          "",
          "text[][]",
          "jsonb[]",
          "bytea[]",
          "varchar(10)[]",
          "timestamptz[]",
          "[]",
          "bigint []x"
        }) {
      assertThat(SqlType.parse(bad)).as("'%s'", bad).isEqualTo(Optional.empty());
    }
  }

  @Test
  void parsesOneDimensionalArraysOfSingleValues() {
    assertThat(SqlType.parse("text[]")).contains(new SqlType(Kind.TEXT, 0, 0, true));
    assertThat(SqlType.parse(" BIGINT [] ")).contains(new SqlType(Kind.BIGINT, 0, 0, true));
    assertThat(SqlType.parse("int4[]")).contains(new SqlType(Kind.INTEGER, 0, 0, true));
    assertThat(SqlType.parse("float8[]")).contains(new SqlType(Kind.DOUBLE, 0, 0, true));
    assertThat(SqlType.parse("numeric(12,2)[]")).contains(new SqlType(Kind.NUMERIC, 12, 2, true));
    assertThat(SqlType.parse("bool[]")).contains(new SqlType(Kind.BOOLEAN, 0, 0, true));
    assertThat(SqlType.parse("bigint[]").orElseThrow().element())
        .isEqualTo(new SqlType(Kind.BIGINT, 0, 0));
    assertThat(SqlType.parse("bigint").orElseThrow().array()).isFalse();
  }

  @Test
  void ddlWritesTheCanonicalForm() {
    assertThat(SqlType.parse("decimal(12, 2) []").orElseThrow().ddl()).isEqualTo("numeric(12,2)[]");
    assertThat(SqlType.parse("double precision[]").orElseThrow().ddl())
        .isEqualTo("double precision[]");
    assertThat(SqlType.parse("decimal(12, 2)").orElseThrow().ddl()).isEqualTo("numeric(12,2)");
    assertThat(SqlType.parse("numeric").orElseThrow().ddl()).isEqualTo("numeric");
    assertThat(SqlType.parse("character varying(7)").orElseThrow().ddl()).isEqualTo("varchar(7)");
    assertThat(SqlType.parse("float8").orElseThrow().ddl()).isEqualTo("double precision");
    assertThat(SqlType.parse("int4").orElseThrow().toString()).isEqualTo("integer");
  }

  @Test
  void everyAcceptedSpellingInTheListParses() {
    String concreteList = SqlType.ACCEPTED.replace("(n)", "(10)").replace("(p,s)", "(10;2)");
    for (String written : concreteList.split(",\\s*")) {
      String concrete = written.replace(';', ',');
      assertThat(SqlType.parse(concrete)).as(concrete).isPresent();
    }
  }
}
