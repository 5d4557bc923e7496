-- Tidemark's own tables. ${metadata_schema} is the quoted schema name (SinkConfig.metadataSchema).
-- Cluster times are stored packed (seconds << 32 | increment, ClusterTime.packed()) so that they
-- compare as one number, and the stream position also in parts for people reading the table.

-- Where each collection's change stream stands: written in the same transaction as the rows.
CREATE TABLE ${metadata_schema}.checkpoint (
    pipeline          text        NOT NULL,
    collection        text        NOT NULL,
    position_token    text        NOT NULL,
    cluster_time      bigint      NOT NULL,
    cluster_seconds   bigint      NOT NULL,
    cluster_increment bigint      NOT NULL,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pipeline, collection)
);

-- Progress of each collection's copy: the mark is written with the chunk it follows.
CREATE TABLE ${metadata_schema}.snapshot (
    pipeline         text        NOT NULL,
    collection       text        NOT NULL,
    state            text        NOT NULL CHECK (state IN ('NONE', 'RUNNING', 'DONE')),
    start_time       bigint,
    resume_mark      text,
    rows_copied      bigint      NOT NULL DEFAULT 0,
    rows_estimated   bigint      NOT NULL DEFAULT 0,
    consistent_after bigint,
    started_at       timestamptz,
    finished_at      timestamptz,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pipeline, collection)
);

-- Documents that could not be stored. The document is text, not jsonb: it is raw Extended JSON
-- that PostgreSQL's JSON parser may reject (that may be why it is here).
CREATE TABLE ${metadata_schema}.dead_letter (
    id             bigserial   PRIMARY KEY,
    pipeline       text        NOT NULL,
    collection     text        NOT NULL,
    document_key   text        NOT NULL,
    position_token text,
    document       text,
    reason         text        NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX dead_letter_collection_idx
    ON ${metadata_schema}.dead_letter (pipeline, collection, created_at);
