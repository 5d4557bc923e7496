package io.tidemark.sink.jdbc.write;

import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.mapping.MappedRow;
import io.tidemark.core.spi.RowChange;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A list of changes sorted by what the database does with them: rows to write, keys to delete
 * (deletes and dead letters, whose old row must go), and dead letters to record. One pass, no
 * per-row allocation beyond the lists.
 */
final class ChangeBatch {

  final List<MappedRow> upserts;
  final String[] deleteKeys;
  final String[] deadLetterKeys;
  final String[] deadLetterDocuments;
  final String[] deadLetterReasons;

  private ChangeBatch(
      List<MappedRow> upserts,
      String[] deleteKeys,
      String[] deadLetterKeys,
      String[] deadLetterDocuments,
      String[] deadLetterReasons) {
    this.upserts = upserts;
    this.deleteKeys = deleteKeys;
    this.deadLetterKeys = deadLetterKeys;
    this.deadLetterDocuments = deadLetterDocuments;
    this.deadLetterReasons = deadLetterReasons;
  }

  /**
   * Sorts the changes.
   *
   * @throws TidemarkException {@link ErrorCode#INTERNAL} when a row's value count differs from the
   *     table's column count: the mapper and the table disagree
   */
  static ChangeBatch of(List<RowChange> changes, TableStatements table) {
    int n = changes.size();
    List<MappedRow> upserts = new ArrayList<>(n);
    String[] deleteKeys = new String[n];
    int deletes = 0;
    String[] dlKeys = new String[n];
    String[] dlDocuments = new String[n];
    String[] dlReasons = new String[n];
    int deadLetters = 0;
    for (RowChange change : changes) {
      if (change instanceof RowChange.Upsert) {
        MappedRow row = ((RowChange.Upsert) change).row();
        if (row.values().length != table.valueCount()) {
          throw new TidemarkException(
              ErrorCode.INTERNAL,
              "Row with _id "
                  + row.key()
                  + " of collection '"
                  + table.mapping().collection()
                  + "' has "
                  + row.values().length
                  + " values but table "
                  + table.table()
                  + " has "
                  + table.valueCount()
                  + " mapped columns: the row mapper and the table mapping disagree.");
        }
        upserts.add(row);
      } else if (change instanceof RowChange.Delete) {
        deleteKeys[deletes++] = change.key().text();
      } else {
        RowChange.DeadLetter dead = (RowChange.DeadLetter) change;
        deleteKeys[deletes++] = dead.key().text();
        dlKeys[deadLetters] = dead.key().text();
        dlDocuments[deadLetters] = dead.documentJson();
        dlReasons[deadLetters] = dead.reason();
        deadLetters++;
      }
    }
    return new ChangeBatch(
        upserts,
        Arrays.copyOf(deleteKeys, deletes),
        Arrays.copyOf(dlKeys, deadLetters),
        Arrays.copyOf(dlDocuments, deadLetters),
        Arrays.copyOf(dlReasons, deadLetters));
  }

  int deletes() {
    return deleteKeys.length - deadLetterKeys.length;
  }

  int deadLetters() {
    return deadLetterKeys.length;
  }

  /** For messages: the counts of each kind. */
  String describe() {
    return upserts.size()
        + " upserts, "
        + deletes()
        + " deletes, "
        + deadLetters()
        + " dead letters";
  }

  /** "apply N changes (…) to tables … for collection 'c'", for an error message. */
  String describeApply(int changes, TableStatements table, String collection) {
    return "apply "
        + changes
        + " changes ("
        + describe()
        + ") to "
        + table.describeTables()
        + " for collection '"
        + collection
        + "'";
  }
}
