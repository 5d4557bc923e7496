-- Columns a collection with schema.evolve: addColumns added to its table, one per top-level field.
-- Written in the transaction that runs the ALTER TABLE, so the table and this list always agree;
-- a column the user added by hand is never taken for one.
CREATE TABLE ${metadata_schema}.evolved_column (
    pipeline    text        NOT NULL,
    collection  text        NOT NULL,
    field       text        NOT NULL,
    column_name text        NOT NULL,
    column_type text        NOT NULL,
    position    integer     NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pipeline, collection, field)
);
