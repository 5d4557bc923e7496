package io.tidemark.app.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.core.spi.TableScanner;
import org.junit.jupiter.api.Test;

class VerifyRowHashTest {

  @Test
  void rowsWithTheSameTextInOtherCellsHashDifferently() {
    assertThat(RowHash.of("k", new String[] {"ab", "c"}))
        .isNotEqualTo(RowHash.of("k", new String[] {"a", "bc"}));
    assertThat(RowHash.of("k", new String[] {null}))
        .isNotEqualTo(RowHash.of("k", new String[] {""}));
    assertThat(RowHash.of("k", new String[] {"x"})).isEqualTo(RowHash.of("k", new String[] {"x"}));
    assertThat(RowHash.of("k1", new String[] {"x"}))
        .isNotEqualTo(RowHash.of("k", new String[] {"x"}));
  }

  @Test
  void bucketsUseTheLeadingBitsOfTheKeysMd5() {
    // md5("a") = 0cc175b9...: the first 16 bits are 0x0cc1.
    assertThat(TableScanner.bucketOf("a", 16)).isEqualTo(0x0cc1);
    assertThat(TableScanner.bucketOf("a", 8)).isEqualTo(0x0c);
  }

  @Test
  void bucketDigestsDoNotDependOnOrder() {
    BucketDigests one = new BucketDigests(8);
    BucketDigests two = new BucketDigests(8);
    String[] keys = {"a", "b", "c", "d", "e"};
    for (String k : keys) {
      one.add(k, RowHash.of(k, new String[] {k + "!"}));
    }
    for (int i = keys.length - 1; i >= 0; i--) {
      two.add(keys[i], RowHash.of(keys[i], new String[] {keys[i] + "!"}));
    }
    assertThat(one.differing(two)).isEmpty();
    two.add("f", RowHash.of("f", new String[] {"f"}));
    assertThat(one.differing(two)).containsExactly(TableScanner.bucketOf("f", 8));
  }

  @Test
  void bucketBitsGrowWithTheCollection() {
    assertThat(CollectionVerifier.bucketBits(0)).isEqualTo(8);
    assertThat(CollectionVerifier.bucketBits(512_000)).isEqualTo(8);
    assertThat(CollectionVerifier.bucketBits(1_000_000)).isEqualTo(9);
    assertThat(CollectionVerifier.bucketBits(10_000_000_000L)).isEqualTo(16);
  }
}
