-- The archive: every event of the indexed contracts exactly as the RPC returned it, written
-- in the same transaction as the batch that applied it, and kept forever (beyond the RPC's
-- retention window). The decoded form is derivable from it with the indexer's decoder.
-- Keyed by the event's position (TOID with its top bit flipped, event index), so it reads
-- back in chain order; `id` is the RPC's id text as received.
CREATE TABLE raw_events (
    toid BIGINT NOT NULL,
    event_index BIGINT NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    ledger BIGINT NOT NULL,
    closed_at TEXT NOT NULL,
    contract_id TEXT COLLATE "C" NOT NULL,
    tx_hash TEXT NOT NULL,
    -- `contract`, `system`, `diagnostic`, or NULL when the RPC did not say.
    kind TEXT,
    -- JSON array of the base64 XDR topics.
    topics TEXT NOT NULL,
    -- Base64 XDR of the data.
    value TEXT NOT NULL,
    -- `inSuccessfulContractCall` (1/0) when the RPC sent it.
    successful BIGINT,
    PRIMARY KEY (toid, event_index)
);
CREATE INDEX raw_events_by_contract ON raw_events (contract_id, toid, event_index);
