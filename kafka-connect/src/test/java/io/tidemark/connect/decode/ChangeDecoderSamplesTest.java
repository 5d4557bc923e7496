package io.tidemark.connect.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidemark.connect.decode.DocumentChange.Kind;
import io.tidemark.connect.fixture.EventSample;
import io.tidemark.core.event.DocumentKey;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.StringConverter;
import org.bson.BsonObjectId;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every documented event sample ({@code events/SOURCES.md}) through the worker's own converter, as
 * a task receives it, and then the decoder: what it makes of each connector's records.
 */
class ChangeDecoderSamplesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DocumentKey ADA =
      io.tidemark.source.mongo.convert.DocumentKeys.of(
          new BsonObjectId(new ObjectId("665f1c7a9d3e4b2a1c0d5e6f")));

  private final ChangeDecoder auto = new ChangeDecoder(InputFormat.AUTO, Map.of());

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "debezium/insert.json, UPSERT, false",
    "debezium/insert-with-schema.json, UPSERT, false",
    "debezium/update-full.json, UPSERT, false",
    "debezium/replace.json, UPSERT, false",
    "debezium/read-snapshot.json, UPSERT, true",
    "debezium/read-snapshot-last.json, UPSERT, true",
    "debezium/transaction.json, UPSERT, false",
    "debezium/delete.json, DELETE, false",
    "debezium/update-delta.json, PATCH, false",
    "debezium/tombstone.json, SKIP, false",
    "mongodb/insert.json, UPSERT, false",
    "mongodb/insert-in-transaction.json, UPSERT, false",
    "mongodb/update-lookup.json, UPSERT, false",
    "mongodb/update-lookup-schema.json, UPSERT, false",
    "mongodb/replace.json, UPSERT, false",
    "mongodb/full-document-only.json, UPSERT, false",
    "mongodb/delete.json, DELETE, false",
    "mongodb/full-document-only-tombstone.json, DELETE, false",
    "mongodb/update-delta.json, PATCH, false",
  })
  void eachSampleIsReadAsItsConnectorMeantIt(String file, Kind kind, boolean snapshot)
      throws Exception {
    EventSample sample = EventSample.load(file);
    DocumentChange change = decode(auto, sample);

    assertThat(change.kind()).isEqualTo(kind);
    assertThat(change.collection()).isEqualTo("customers");
    assertThat(change.snapshot()).isEqualTo(snapshot);
    if (kind == Kind.UPSERT) {
      assertThat(change.key()).isEqualTo(change.document().key());
      assertThat(change.document().toJson()).contains("\"name\"");
    } else if (kind != Kind.SKIP) {
      assertThat(change.key()).isEqualTo(ADA);
    }
    if (kind == Kind.PATCH) {
      assertThat(change.delta().updated()).isNotEmpty();
      assertThat(change.note()).contains("send full documents");
    }
  }

  @Test
  void theFullDocumentKeepsItsBsonTypesFromStrictExtendedJson() throws Exception {
    DocumentChange change = decode(auto, EventSample.load("debezium/insert.json"));

    // after is legacy strict Extended JSON: a date in millis, a long and a decimal as wrappers.
    String json = change.document().toJson();
    assertThat(json)
        .contains("\"joined\": {\"$date\": \"2024-06-04T13:45:30.123Z\"}")
        .contains("\"balance\": {\"$numberDecimal\": \"1234.50\"}")
        .contains("\"visits\": 42");
  }

  @Test
  void debeziumsDeltaAndMongoDbsDeltaOfTheSameUpdateAreTheSame() throws Exception {
    UpdateDelta debezium = decode(auto, EventSample.load("debezium/update-delta.json")).delta();
    UpdateDelta mongodb = decode(auto, EventSample.load("mongodb/update-delta.json")).delta();

    // Debezium writes updatedFields as relaxed JSON text (a small long reads back as an int) and
    // renames newSize to size.
    assertThat(debezium.updated().keySet()).isEqualTo(mongodb.updated().keySet());
    assertThat(debezium.updated().getInt32("visits").getValue())
        .isEqualTo(mongodb.updated().getInt64("visits").getValue());
    assertThat(debezium.removed()).isEqualTo(mongodb.removed()).isNotEmpty();
    assertThat(debezium.truncated()).isEqualTo(mongodb.truncated()).isNotEmpty();
  }

  @Test
  void theTutorialRecordOfMongoDbsConnectorWithSchemasIsAChangeOfItsTopicsCollection()
      throws Exception {
    DocumentChange change =
        decode(auto, EventSample.load("mongodb/tutorial-insert-json-schemas.json"));

    assertThat(change.kind()).isEqualTo(Kind.UPSERT);
    assertThat(change.collection()).isEqualTo("orders");
    assertThat(change.key().text()).isEqualTo("63496b5280d076018b330536");
  }

  @Test
  void aTopicNamedInTopicCollectionsGoesToThatCollection() throws Exception {
    ChangeDecoder named =
        new ChangeDecoder(InputFormat.DEBEZIUM, Map.of("fulfillment.shop.customers", "people"));

    assertThat(decode(named, EventSample.load("debezium/insert.json")).collection())
        .isEqualTo("people");
  }

  @Test
  void aRecordThatIsNoDocumentChangeIsRefusedWithTheReason() {
    // Debezium's transaction metadata topic: BEGIN/END records, no document.
    EventSample begin = EventSample.load("debezium/transaction-begin.json");

    assertThatThrownBy(() -> decode(auto, begin))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a document without _id");
  }

  @Test
  void aTombstoneWithoutADocumentKeyIsRefusedSayingWhichSettingGivesOne() {
    assertThatThrownBy(
            () ->
                new ChangeDecoder(InputFormat.FULL_DOCUMENT, Map.of())
                    .decode("shop.customers", "{\"_id\": {\"_data\": \"8263\"}}", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("change.stream.document.key.as.key: true");
  }

  private static DocumentChange decode(ChangeDecoder decoder, EventSample sample) throws Exception {
    Converter keys = converter(sample.converter(), true);
    Converter values = converter(sample.converter(), false);
    Object key =
        keys.toConnectData(sample.topic(), bytes(sample.converter(), sample.key())).value();
    Object value =
        values.toConnectData(sample.topic(), bytes(sample.converter(), sample.value())).value();
    return decoder.decode(sample.topic(), key, value);
  }

  private static Converter converter(String kind, boolean isKey) {
    if (kind.equals("string")) {
      StringConverter converter = new StringConverter();
      converter.configure(Map.of(), isKey);
      return converter;
    }
    JsonConverter converter = new JsonConverter();
    converter.configure(Map.of("schemas.enable", kind.equals("json-schemas")), isKey);
    return converter;
  }

  private static byte[] bytes(String kind, com.fasterxml.jackson.databind.JsonNode node)
      throws Exception {
    if (node == null || node.isNull()) {
      return null;
    }
    if (kind.equals("string")) {
      return node.textValue().getBytes(StandardCharsets.UTF_8);
    }
    return JSON.writeValueAsBytes(node);
  }
}
