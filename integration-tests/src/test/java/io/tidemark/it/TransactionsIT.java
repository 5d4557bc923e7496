package io.tidemark.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.tidemark.app.Daemon;
import io.tidemark.core.pipeline.CollectionState;
import io.tidemark.it.fixture.RequiresRealMongo;
import io.tidemark.it.support.TestPipeline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * Events of one MongoDB multi-document transaction land in one sink transaction: transfers between
 * accounts, each a transaction that debits one document and credits another, never show in the
 * table as a half-applied transfer (the sum of balances is constant in every snapshot a reader
 * takes).
 */
@RequiresRealMongo("multi-document transactions")
class TransactionsIT {
  private static final int ACCOUNTS = 20;
  private static final long OPENING_BALANCE = 1_000;
  private static final String SUM =
      "SELECT coalesce(sum((doc->>'balance')::bigint), 0) || ':' || count(*) FROM accounts";

  @Test
  void aTransferIsNeverSeenHalfApplied() throws Exception {
    TestPipeline p = TestPipeline.create("txn");
    MongoCollection<Document> accounts = p.collection("accounts");
    List<Document> opening = new ArrayList<>();
    for (int i = 0; i < ACCOUNTS; i++) {
      opening.add(new Document("_id", "acct-" + i).append("balance", OPENING_BALANCE));
    }
    accounts.insertMany(opening);
    String expected = ACCOUNTS * OPENING_BALANCE + ":" + ACCOUNTS;

    try (Daemon daemon =
        p.startDaemon(
            p.yaml(
                "stream: { batchSize: 3, maxBatchDelay: 5ms }\ncollections:\n  - name: accounts"))) {
      TestPipeline.awaitState(daemon, CollectionState.STREAMING, Duration.ofSeconds(60));
      AtomicBoolean transferring = new AtomicBoolean(true);
      AtomicReference<String> torn = new AtomicReference<>();
      Thread reader =
          new Thread(
              () -> {
                while (transferring.get() && torn.get() == null) {
                  try {
                    String seen = p.query(SUM).get(0);
                    if (!seen.equals(expected)) {
                      torn.set(seen);
                    }
                  } catch (java.sql.SQLException e) {
                    torn.set("query failed: " + e.getMessage());
                  }
                }
              });
      reader.start();
      Random random = new Random(7);
      try (ClientSession session = p.mongo().client().startSession()) {
        for (int t = 0; t < 300; t++) {
          String from = "acct-" + random.nextInt(ACCOUNTS);
          String to = "acct-" + random.nextInt(ACCOUNTS);
          long amount = 1 + random.nextInt(50);
          session.withTransaction(
              () -> {
                accounts.updateOne(
                    session, Filters.eq("_id", from), Updates.inc("balance", -amount));
                accounts.updateOne(session, Filters.eq("_id", to), Updates.inc("balance", amount));
                return null;
              });
        }
      }
      p.awaitMatch("accounts", "accounts", Duration.ofSeconds(60));
      transferring.set(false);
      reader.join();
      assertThat(torn.get()).as("a reader saw a half-applied transfer").isNull();
      assertThat(p.query(SUM)).containsExactly(expected);
    }
  }
}
