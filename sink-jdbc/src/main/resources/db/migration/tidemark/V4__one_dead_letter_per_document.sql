-- A document has at most one dead letter: the latest version that could not be written, and why.
-- Before this, a document refused again (by the inclusive overlap between the copy and the stream,
-- or by a later change that was refused too) got a second row, and replay saw it twice.
-- Duplicates fold into the newest row.
DELETE FROM ${metadata_schema}.dead_letter older
USING ${metadata_schema}.dead_letter newer
WHERE older.pipeline = newer.pipeline
  AND older.collection = newer.collection
  AND older.document_key = newer.document_key
  AND older.id < newer.id;

CREATE UNIQUE INDEX dead_letter_document_idx
    ON ${metadata_schema}.dead_letter (pipeline, collection, document_key);
