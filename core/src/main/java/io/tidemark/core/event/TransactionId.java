package io.tidemark.core.event;

/**
 * Identity of a source multi-document transaction: session id plus transaction number. All events
 * with the same id must be committed to the sink together.
 */
public record TransactionId(String sessionId, long number) {}
