package io.tidemark.source.mongo.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.Position;
import org.bson.BsonBinary;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.junit.jupiter.api.Test;

class MongoPositionsTest {
  /** A v1/v2 resume token: 0x82, Timestamp(0x6553F100, 5), then the rest of the KeyString. */
  private static final String DATA =
      "826553F100000000052B022C0100296E5A1004ABCDEF0123456789ABCDEF012345678946645F696400646553F1000000000000000004";

  private static BsonDocument token(String data) {
    return new BsonDocument("_data", new BsonString(data));
  }

  @Test
  void startAtRoundTrips() {
    ClusterTime time = new ClusterTime(1_700_000_000, 5);
    Position position = MongoPositions.startAt(time);
    assertThat(position.clusterTime()).isEqualTo(time);

    MongoPositions.Parsed parsed = MongoPositions.parse(position);
    assertThat(parsed.mode()).isEqualTo(MongoPositions.Mode.START_AT);
    assertThat(parsed.resumeToken()).isNull();
    assertThat(parsed.startAt()).isEqualTo(new BsonTimestamp(1_700_000_000, 5));
    assertThat(MongoPositions.clusterTime(parsed.startAt())).isEqualTo(time);
  }

  @Test
  void startAtRoundTripsTimesBeyondTheSignedIntRange() {
    ClusterTime time = new ClusterTime(3_000_000_000L, 4_000_000_000L);
    MongoPositions.Parsed parsed = MongoPositions.parse(MongoPositions.startAt(time));
    assertThat(MongoPositions.clusterTime(parsed.startAt())).isEqualTo(time);
  }

  @Test
  void resumeAfterAnEventRoundTrips() {
    ClusterTime time = new ClusterTime(1_700_000_000, 5);
    Position position = MongoPositions.afterEvent(token(DATA), time, false);
    assertThat(position.clusterTime()).isEqualTo(time);

    MongoPositions.Parsed parsed = MongoPositions.parse(position);
    assertThat(parsed.mode()).isEqualTo(MongoPositions.Mode.RESUME_AFTER);
    assertThat(parsed.resumeToken()).isEqualTo(token(DATA));
    assertThat(parsed.startAt()).isNull();
  }

  @Test
  void invalidateTokenResumesWithStartAfter() {
    MongoPositions.Parsed parsed =
        MongoPositions.parse(MongoPositions.afterEvent(token(DATA), new ClusterTime(9, 9), true));
    assertThat(parsed.mode()).isEqualTo(MongoPositions.Mode.START_AFTER);
    assertThat(parsed.resumeToken()).isEqualTo(token(DATA));
  }

  @Test
  void tokenWithOtherFieldsIsKeptVerbatim() {
    BsonDocument old =
        new BsonDocument("_data", new BsonBinary(new byte[] {1, 2, 3}))
            .append("_typeBits", new BsonBinary(new byte[] {4}));
    MongoPositions.Parsed parsed =
        MongoPositions.parse(MongoPositions.afterEvent(old, new ClusterTime(1, 1), false));
    assertThat(parsed.resumeToken()).isEqualTo(old);
  }

  @Test
  void unknownModeIsRefused() {
    Position bad = new Position("{\"mode\": \"sideways\"}", new ClusterTime(1, 0));
    assertThatThrownBy(() -> MongoPositions.parse(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("unknown position mode 'sideways' in ");
  }

  @Test
  void decodesTheClusterTimeAfterThe82Byte() {
    assertThat(MongoPositions.decodeClusterTime(token(DATA)))
        .isEqualTo(new ClusterTime(0x6553F100L, 5));
    assertThat(MongoPositions.decodeClusterTime(token(DATA.toLowerCase())))
        .isEqualTo(new ClusterTime(0x6553F100L, 5));
    assertThat(MongoPositions.decodeClusterTime(token("82" + "FFFFFFFF" + "80000001")))
        .isEqualTo(new ClusterTime(0xFFFFFFFFL, 0x80000001L));
  }

  @Test
  void otherFormatsDecodeToNull() {
    assertThat(MongoPositions.decodeClusterTime(null)).isNull();
    assertThat(MongoPositions.decodeClusterTime(new BsonDocument())).isNull();
    assertThat(
            MongoPositions.decodeClusterTime(
                new BsonDocument("_data", new BsonBinary(new byte[] {(byte) 0x82}))))
        .isNull();
    assertThat(MongoPositions.decodeClusterTime(token("83" + DATA.substring(2)))).isNull();
    assertThat(MongoPositions.decodeClusterTime(token("826553F1000000"))).as("too short").isNull();
    assertThat(MongoPositions.decodeClusterTime(token("82ZZZZZZZZ00000005")))
        .as("not hex")
        .isNull();
  }
}
