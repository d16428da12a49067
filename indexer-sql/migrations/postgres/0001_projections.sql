-- The indexer's projections (teachlink-indexer's `project` module), one table per entity
-- kind: the key column(s), the columns the queries filter and sort on, and the entity
-- itself as JSON text (serde_json of the indexer's types).
--
-- Encodings (the same in the SQLite schema):
--   * every u64 (ids, nonces, course ids, event TOIDs, counters) is stored as BIGINT with
--     its top bit flipped (`u ^ 2^63` reinterpreted as i64): 0 -> -2^63, 2^63 -> 0,
--     u64::MAX -> 2^63 - 1. Exact, and ordered like the u64.
--   * u32 values (chain ids, ledgers, event indexes) are stored as they are.
--   * addresses are their strkey text (G... / C...), compared bytewise: every text column
--     is COLLATE "C", so keys sort as in SQLite (BINARY) and as Rust's `str`.

-- The checkpoint and the counters: one row, id 1, written with every batch. NULL counters
-- are 0; a NULL checkpoint_ledger is "no checkpoint yet".
CREATE TABLE meta (
    id SMALLINT PRIMARY KEY CHECK (id = 1),
    generation BIGINT NOT NULL DEFAULT 0,
    checkpoint_ledger BIGINT,
    cursor_toid BIGINT,
    cursor_index BIGINT,
    gaps TEXT,
    applied_toid BIGINT,
    applied_index BIGINT,
    events BIGINT,
    orphans BIGINT,
    unknown BIGINT
);
INSERT INTO meta (id) VALUES (1);

CREATE TABLE escrows (
    id BIGINT PRIMARY KEY,
    status TEXT COLLATE "C" NOT NULL,
    json TEXT NOT NULL
);
CREATE INDEX escrows_by_status ON escrows (status, id);

-- Everyone with a part in an escrow (depositor, beneficiary, signers, arbitrator); only
-- ever added to. The escrow's status is repeated here so "escrows of a party in a status"
-- is one index range.
CREATE TABLE escrow_parties (
    escrow_id BIGINT NOT NULL,
    party TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (party, escrow_id)
);
CREATE INDEX escrow_parties_by_escrow ON escrow_parties (escrow_id);
CREATE INDEX escrow_parties_by_status ON escrow_parties (party, status, escrow_id);

CREATE TABLE tokens (
    id BIGINT PRIMARY KEY,
    owner TEXT COLLATE "C",
    creator TEXT COLLATE "C",
    json TEXT NOT NULL
);
CREATE INDEX tokens_by_owner ON tokens (owner, id);
CREATE INDEX tokens_by_creator ON tokens (creator, id);

CREATE TABLE profiles (
    learner TEXT COLLATE "C" PRIMARY KEY,
    json TEXT NOT NULL
);

CREATE TABLE completions (
    course BIGINT NOT NULL,
    learner TEXT COLLATE "C" NOT NULL,
    json TEXT NOT NULL,
    PRIMARY KEY (course, learner)
);
CREATE INDEX completions_by_learner ON completions (learner, course);

CREATE TABLE contributions (
    id BIGINT PRIMARY KEY,
    author TEXT COLLATE "C" NOT NULL,
    json TEXT NOT NULL
);
CREATE INDEX contributions_by_author ON contributions (author, id);

CREATE TABLE rewards (
    learner TEXT COLLATE "C" PRIMARY KEY,
    json TEXT NOT NULL
);

CREATE TABLE pools (
    contract TEXT COLLATE "C" PRIMARY KEY,
    json TEXT NOT NULL
);

CREATE TABLE contracts (
    contract TEXT COLLATE "C" PRIMARY KEY,
    json TEXT NOT NULL
);

CREATE TABLE outbound (
    nonce BIGINT PRIMARY KEY,
    sender TEXT COLLATE "C" NOT NULL,
    json TEXT NOT NULL
);
CREATE INDEX outbound_by_sender ON outbound (sender, nonce);

CREATE TABLE inbound (
    source_chain BIGINT NOT NULL,
    nonce BIGINT NOT NULL,
    recipient TEXT COLLATE "C" NOT NULL,
    json TEXT NOT NULL,
    PRIMARY KEY (source_chain, nonce)
);
CREATE INDEX inbound_by_recipient ON inbound (recipient, source_chain, nonce);

CREATE TABLE validators (
    address TEXT COLLATE "C" PRIMARY KEY,
    json TEXT NOT NULL
);

CREATE TABLE chains (
    chain BIGINT PRIMARY KEY,
    json TEXT NOT NULL
);

CREATE TABLE bridges (
    contract TEXT COLLATE "C" PRIMARY KEY,
    json TEXT NOT NULL
);

-- Raw events that did not decode, by RPC event id.
CREATE TABLE unknown_events (
    id TEXT COLLATE "C" PRIMARY KEY,
    json TEXT NOT NULL
);
