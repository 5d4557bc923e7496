-- A copy is split into key ranges that are copied in parallel; each range commits its resume mark
-- and row count with its rows, so each range resumes on its own after a crash. The snapshot row
-- keeps the copy's state, start time and estimate; its resume_mark and rows_copied columns are no
-- longer written (the ranges hold them).
CREATE TABLE ${metadata_schema}.snapshot_range (
    pipeline     text        NOT NULL,
    collection   text        NOT NULL,
    range_no     integer     NOT NULL,
    resume_after text,
    up_to        text,
    rows_copied  bigint      NOT NULL DEFAULT 0,
    done         boolean     NOT NULL DEFAULT false,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pipeline, collection, range_no)
);

-- A copy that was running when Tidemark was upgraded continues as one range from its mark.
INSERT INTO ${metadata_schema}.snapshot_range (pipeline, collection, range_no, resume_after, rows_copied, done)
SELECT pipeline, collection, 0, resume_mark, rows_copied, state = 'DONE'
FROM ${metadata_schema}.snapshot
WHERE state IN ('RUNNING', 'DONE');
