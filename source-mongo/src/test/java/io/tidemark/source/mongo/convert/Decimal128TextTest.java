package io.tidemark.source.mongo.convert;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.bson.types.Decimal128;
import org.junit.jupiter.api.Test;

/** Every Decimal128 whose coefficient fits in a long reads as the driver's toString writes it. */
class Decimal128TextTest {
  private final Random random = new Random(20261204);

  @Test
  void coefficientsThatFitInALongAreWrittenAsTheDriverWritesThem() {
    for (int n = 0; n < 100_000; n++) {
      BigInteger coefficient = BigInteger.valueOf(random.nextLong() >>> random.nextInt(64));
      int scale = random.nextInt(n % 10 == 0 ? 12_000 : 40) - (n % 10 == 0 ? 6_000 : 20);
      BigDecimal value = new BigDecimal(coefficient, scale);
      Decimal128 decimal = new Decimal128(random.nextBoolean() ? value : value.negate());
      assertThat(written(decimal)).as("%s", value).isEqualTo(decimal.toString());
    }
    for (String text : new String[] {"-0", "-0.00", "0E+5", "-1E-7", "0.000001", "1E+6111"}) {
      assertThat(written(Decimal128.parse(text)))
          .as(text)
          .isEqualTo(Decimal128.parse(text).toString());
    }
  }

  @Test
  void theRestIsLeftToTheDriver() {
    for (String text : new String[] {"NaN", "-Infinity", "Infinity", "9223372036854775808"}) {
      Decimal128 decimal = Decimal128.parse(text);
      assertThat(Decimal128Text.write(decimal.getHigh(), decimal.getLow(), new byte[32], 0))
          .as(text)
          .isEqualTo(-1);
    }
  }

  private static String written(Decimal128 decimal) {
    byte[] out = new byte[Decimal128Text.MAX_LENGTH + 3];
    int end = Decimal128Text.write(decimal.getHigh(), decimal.getLow(), out, 3);
    assertThat(end).as("%s fits", decimal).isPositive();
    return new String(out, 3, end - 3, StandardCharsets.US_ASCII);
  }
}
