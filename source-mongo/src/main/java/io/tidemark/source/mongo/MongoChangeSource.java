package io.tidemark.source.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.ReadConcern;
import com.mongodb.client.ChangeStreamIterable;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.changestream.FullDocument;
import com.mongodb.event.CommandListener;
import io.tidemark.core.config.ConnectionStrings;
import io.tidemark.core.config.StreamScope;
import io.tidemark.core.config.TidemarkConfig.SourceConfig;
import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.HistoryWindow;
import io.tidemark.core.spi.ChangeSource;
import io.tidemark.core.spi.CollectionSource;
import io.tidemark.source.mongo.convert.BsonSourceDocument;
import io.tidemark.source.mongo.stream.DatabaseStream;
import io.tidemark.source.mongo.stream.LargeEvents;
import io.tidemark.source.mongo.stream.MongoPositions;
import io.tidemark.source.mongo.stream.RawChangeStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A MongoDB database as the source of a pipeline. One client, shared by every collection. */
public final class MongoChangeSource implements ChangeSource {
  private static final Logger LOG = LoggerFactory.getLogger(MongoChangeSource.class);

  /** How long a change-stream getMore waits for new events; bounds stop latency too. */
  private static final Duration MAX_AWAIT = Duration.ofMillis(500);

  private final MongoClient client;
  private final MongoDatabase database;
  private final SourceConfig config;
  private final LargeEvents largeEvents;
  private final DatabaseStream databaseStream; // null with streamScope: collection

  private MongoChangeSource(MongoClient client, SourceConfig config, ServerVersion version) {
    this.client = client;
    this.config = config;
    this.database = client.getDatabase(config.database());
    this.largeEvents = version.largeEvents();
    this.databaseStream =
        config.streamScope() == StreamScope.DATABASE
            ? new DatabaseStream(config.database(), this::openDatabaseStream, MAX_AWAIT)
            : null;
  }

  /**
   * How long a process that is starting waits for a reachable server: long enough for a replica
   * set's election, short enough that a wrong URI fails while someone watches.
   */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** Connects within {@link #CONNECT_TIMEOUT} and checks the server answers. */
  public static MongoChangeSource open(SourceConfig config, CommandListener... listeners) {
    return open(config, CONNECT_TIMEOUT, listeners);
  }

  /**
   * Connects and checks the server answers.
   *
   * @param serverSelectionTimeout how long to wait for a reachable server before failing
   * @param listeners see every command sent and its outcome (tests, diagnostics)
   */
  public static MongoChangeSource open(
      SourceConfig config, Duration serverSelectionTimeout, CommandListener... listeners) {
    ConnectionString uri;
    try {
      uri = new ConnectionString(config.uri());
    } catch (IllegalArgumentException e) {
      throw new TidemarkException(
          ErrorCode.CONFIG_INVALID,
          "source.uri: '"
              + ConnectionStrings.mask(config.uri())
              + "' is not a MongoDB connection"
              + " string ("
              + e.getMessage()
              + ")");
    }
    MongoClientSettings settings =
        MongoClientSettings.builder()
            .applyConnectionString(uri)
            .applicationName("tidemark")
            .applyToClusterSettings(
                b ->
                    b.serverSelectionTimeout(
                        serverSelectionTimeout.toMillis(), TimeUnit.MILLISECONDS))
            .applyToServerSettings(b -> b.addServerListener(new ConnectivityLog()))
            .commandListenerList(List.of(listeners))
            .build();
    MongoClient client = MongoClients.create(settings);
    MongoDatabase database = client.getDatabase(config.database());
    try {
      database.runCommand(new Document("ping", 1));
    } catch (RuntimeException e) {
      client.close();
      throw MongoErrors.atOpen(e, ConnectionStrings.mask(config.uri()), serverSelectionTimeout);
    }
    ServerVersion version = readVersion(database);
    switch (version.largeEvents()) {
      case SPLIT ->
          LOG.info(
              "MongoDB {}: change events over 16 MB are read in fragments and put back together",
              version);
      case TRIM_AFTER_FAILURE ->
          LOG.info(
              "MongoDB {} cannot split change events over 16 MB ($changeStreamSplitLargeEvent needs"
                  + " 6.0.9 or 7.0+): after such an event the stream is opened again without the"
                  + " event's document, which is read by _id instead",
              version);
      case NONE ->
          LOG.warn(
              "MongoDB {} can neither split nor strip change events over 16 MB (MongoDB 4.2+"
                  + " can): such an event stops its collection with an error",
              version);
    }
    return new MongoChangeSource(client, config, version);
  }

  /** The server's version, or an unknown one (no optional features) when it will not say. */
  private static ServerVersion readVersion(MongoDatabase database) {
    try {
      return ServerVersion.parse(
          database.runCommand(new Document("buildInfo", 1)).getString("version"));
    } catch (RuntimeException e) {
      LOG.warn("MongoDB did not answer buildInfo ({}); optional features stay off", firstLine(e));
      return ServerVersion.parse(null);
    }
  }

  /** The names of the database's collections, sorted (for messages that suggest a name). */
  public SortedSet<String> collectionNames() {
    try {
      return database.listCollectionNames().into(new TreeSet<>());
    } catch (RuntimeException e) {
      throw MongoErrors.classify(e, "database " + config.database(), "listing its collections");
    }
  }

  /** First and last oplog entry of the member we are connected to (replica sets; not mongos). */
  @Override
  public Optional<HistoryWindow> historyWindow() {
    try {
      MongoCollection<Document> oplog = client.getDatabase("local").getCollection("oplog.rs");
      Document first =
          oplog.find().sort(new Document("$natural", 1)).projection(new Document("ts", 1)).first();
      Document last =
          oplog.find().sort(new Document("$natural", -1)).projection(new Document("ts", 1)).first();
      if (first == null
          || last == null
          || !(first.get("ts") instanceof BsonTimestamp oldest)
          || !(last.get("ts") instanceof BsonTimestamp newest)) {
        return Optional.empty();
      }
      return Optional.of(
          new HistoryWindow(
              MongoPositions.clusterTime(oldest), MongoPositions.clusterTime(newest)));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Up to {@code size} documents of a collection picked at random by the server ({@code $sample}),
   * for checking a mapping against real data before running it.
   */
  public List<BsonSourceDocument> sample(String collection, int size) {
    try {
      List<BsonSourceDocument> documents = new ArrayList<>();
      database
          .getCollection(collection, org.bson.RawBsonDocument.class)
          .aggregate(List.of(new Document("$sample", new Document("size", size))))
          .forEach(raw -> documents.add(new BsonSourceDocument(raw)));
      return documents;
    } catch (RuntimeException e) {
      throw MongoErrors.classify(e, collection, "sampling " + size + " documents");
    }
  }

  @Override
  public CollectionSource collection(String name) {
    if (databaseStream != null) {
      databaseStream.expect(name);
    }
    return new MongoCollectionSource(
        client, database, name, MAX_AWAIT, largeEvents, databaseStream);
  }

  /**
   * The database's change stream for these collections, at a time (inclusive), with majority read
   * concern and update lookup as a collection's own. Its {@code $match} keeps the collections'
   * changes, renames onto them, and what ends a database stream ({@code dropDatabase}, {@code
   * invalidate}); MongoDB 5.1+ applies such a filter to the oplog before building events.
   */
  private RawChangeStream openDatabaseStream(Set<String> collections, ClusterTime startAt) {
    BsonArray names = new BsonArray();
    collections.forEach(name -> names.add(new BsonString(name)));
    BsonArray ending =
        new BsonArray(List.of(new BsonString("dropDatabase"), new BsonString("invalidate")));
    BsonDocument match =
        new BsonDocument(
            "$match",
            new BsonDocument(
                "$or",
                new BsonArray(
                    List.of(
                        new BsonDocument("ns.coll", new BsonDocument("$in", names)),
                        new BsonDocument("to.coll", new BsonDocument("$in", names)),
                        new BsonDocument("operationType", new BsonDocument("$in", ending))))));
    MongoDatabase majority = database.withReadConcern(ReadConcern.MAJORITY);
    BsonTimestamp start = new BsonTimestamp((int) startAt.seconds(), (int) startAt.increment());
    RawChangeStream.Reopener reopener =
        largeEvents == LargeEvents.TRIM_AFTER_FAILURE
            ? (token, stripped) -> {
              List<BsonDocument> stages = new ArrayList<>(List.of(match));
              stages.addAll(stripped ? LargeEvents.strippingPipeline() : largeEvents.pipeline());
              ChangeStreamIterable<RawBsonDocument> stream =
                  majority
                      .watch(stages, RawBsonDocument.class)
                      .fullDocument(
                          stripped
                              ? LargeEvents.STRIPPED_FULL_DOCUMENT
                              : FullDocument.UPDATE_LOOKUP)
                      .maxAwaitTime(MAX_AWAIT.toMillis(), TimeUnit.MILLISECONDS);
              return (token == null
                      ? stream.startAtOperationTime(start)
                      : stream.resumeAfter(token))
                  .cursor();
            }
            : null;
    List<BsonDocument> stages = new ArrayList<>(List.of(match));
    stages.addAll(largeEvents.pipeline());
    // A failure is left as it is: the readers it fails classify it under their collection's name.
    return new RawChangeStream(
        majority
            .watch(stages, RawBsonDocument.class)
            .fullDocument(FullDocument.UPDATE_LOOKUP)
            .maxAwaitTime(MAX_AWAIT.toMillis(), TimeUnit.MILLISECONDS)
            .startAtOperationTime(start)
            .cursor(),
        reopener);
  }

  @Override
  public void close() {
    client.close();
  }

  private static String firstLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
