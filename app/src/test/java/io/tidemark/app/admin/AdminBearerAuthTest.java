package io.tidemark.app.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AdminBearerAuthTest {
  @Test
  void onlyTheExactTokenPasses() {
    BearerAuth auth = new BearerAuth("s3cret");
    assertThat(auth.required()).isTrue();
    assertThat(auth.allows("Bearer s3cret")).isTrue();
    assertThat(auth.allows("bearer s3cret")).as("the scheme is case-insensitive").isTrue();
    assertThat(auth.allows(null)).isFalse();
    assertThat(auth.allows("")).isFalse();
    assertThat(auth.allows("Bearer ")).isFalse();
    assertThat(auth.allows("Bearer s3cre")).isFalse();
    assertThat(auth.allows("Bearer s3cret2")).isFalse();
    assertThat(auth.allows("s3cret")).isFalse();
    assertThat(auth.allows("Basic s3cret")).isFalse();
  }

  @Test
  void noTokenMeansNoCheck() {
    assertThat(new BearerAuth(null).required()).isFalse();
    assertThat(new BearerAuth(null).allows(null)).isTrue();
    assertThat(new BearerAuth("").allows(null)).isTrue();
  }
}
