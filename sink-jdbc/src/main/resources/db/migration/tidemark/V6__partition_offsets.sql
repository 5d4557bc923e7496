-- The positions of a pipeline fed by a partitioned log (the Kafka Connect sink): for each topic
-- partition, the offset of the next record to apply, written in the transaction that writes the
-- rows of the records before it, so that rows and offsets never disagree.
-- epoch fences: a task that is given a partition increments it, and every later transaction of a
-- task updates its partitions' rows only while they still carry the epoch it claimed, so a task
-- that lost a partition in a rebalance can never commit after its successor started.
-- records_applied counts the records committed: exactly-once means it equals the records consumed.
CREATE TABLE ${metadata_schema}.partition_offset (
    pipeline        text        NOT NULL,
    topic           text        NOT NULL,
    kafka_partition integer     NOT NULL,
    next_offset     bigint,
    epoch           bigint      NOT NULL,
    owner           text        NOT NULL,
    records_applied bigint      NOT NULL DEFAULT 0,
    claimed_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (pipeline, topic, kafka_partition)
);
