-- The single-writer lease of each pipeline. The process holding the pipeline's advisory lock
-- increments epoch when it starts; every sink transaction reads the epoch FOR SHARE and stops if it
-- is no longer its own, so a paused-then-resumed old process can never commit after a new owner
-- took over. The other columns name the holder for the refusal message.
CREATE TABLE ${metadata_schema}.writer_lock (
    pipeline   text        PRIMARY KEY,
    epoch      bigint      NOT NULL,
    holder     text        NOT NULL,
    host       text        NOT NULL,
    pid        bigint      NOT NULL,
    started_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
