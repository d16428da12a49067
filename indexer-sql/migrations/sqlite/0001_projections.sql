-- The indexer's projections (teachlink-indexer's `project` module), one table per entity
-- kind: the key column(s), the columns the queries filter and sort on, and the entity
-- itself as JSON text (serde_json of the indexer's types).
--
-- Encodings (the same in the PostgreSQL schema):
--   * every u64 (ids, nonces, course ids, event TOIDs, counters) is stored as INTEGER with
--     its top bit flipped (`u ^ 2^63` reinterpreted as i64): 0 -> -2^63, 2^63 -> 0,
--     u64::MAX -> 2^63 - 1. Exact, and ordered like the u64.
--   * u32 values (chain ids, ledgers, event indexes) are stored as they are.
--   * addresses are their strkey text (G... / C...), compared bytewise (BINARY collation).
-- STRICT: a value of the wrong type is refused rather than silently converted.

-- The checkpoint and the counters: one row, id 1, written with every batch. NULL counters
-- are 0; a NULL checkpoint_ledger is "no checkpoint yet".
CREATE TABLE meta (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL DEFAULT 0,
    checkpoint_ledger INTEGER,
    cursor_toid INTEGER,
    cursor_index INTEGER,
    gaps TEXT,
    applied_toid INTEGER,
    applied_index INTEGER,
    events INTEGER,
    orphans INTEGER,
    unknown INTEGER
) STRICT;
INSERT INTO meta (id) VALUES (1);

CREATE TABLE escrows (
    id INTEGER PRIMARY KEY,
    status TEXT NOT NULL,
    json TEXT NOT NULL
) STRICT;
CREATE INDEX escrows_by_status ON escrows (status, id);

-- Everyone with a part in an escrow (depositor, beneficiary, signers, arbitrator); only
-- ever added to. The escrow's status is repeated here so "escrows of a party in a status"
-- is one index range.
CREATE TABLE escrow_parties (
    escrow_id INTEGER NOT NULL,
    party TEXT NOT NULL,
    status TEXT NOT NULL,
    PRIMARY KEY (party, escrow_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX escrow_parties_by_escrow ON escrow_parties (escrow_id);
CREATE INDEX escrow_parties_by_status ON escrow_parties (party, status, escrow_id);

CREATE TABLE tokens (
    id INTEGER PRIMARY KEY,
    owner TEXT,
    creator TEXT,
    json TEXT NOT NULL
) STRICT;
CREATE INDEX tokens_by_owner ON tokens (owner, id);
CREATE INDEX tokens_by_creator ON tokens (creator, id);

CREATE TABLE profiles (
    learner TEXT PRIMARY KEY,
    json TEXT NOT NULL
) STRICT;

CREATE TABLE completions (
    course INTEGER NOT NULL,
    learner TEXT NOT NULL,
    json TEXT NOT NULL,
    PRIMARY KEY (course, learner)
) STRICT;
CREATE INDEX completions_by_learner ON completions (learner, course);

CREATE TABLE contributions (
    id INTEGER PRIMARY KEY,
    author TEXT NOT NULL,
    json TEXT NOT NULL
) STRICT;
CREATE INDEX contributions_by_author ON contributions (author, id);

CREATE TABLE rewards (
    learner TEXT PRIMARY KEY,
    json TEXT NOT NULL
) STRICT;

CREATE TABLE pools (
    contract TEXT PRIMARY KEY,
    json TEXT NOT NULL
) STRICT;

CREATE TABLE contracts (
    contract TEXT PRIMARY KEY,
    json TEXT NOT NULL
) STRICT;

CREATE TABLE outbound (
    nonce INTEGER PRIMARY KEY,
    sender TEXT NOT NULL,
    json TEXT NOT NULL
) STRICT;
CREATE INDEX outbound_by_sender ON outbound (sender, nonce);

CREATE TABLE inbound (
    source_chain INTEGER NOT NULL,
    nonce INTEGER NOT NULL,
    recipient TEXT NOT NULL,
    json TEXT NOT NULL,
    PRIMARY KEY (source_chain, nonce)
) STRICT;
CREATE INDEX inbound_by_recipient ON inbound (recipient, source_chain, nonce);

CREATE TABLE validators (
    address TEXT PRIMARY KEY,
    json TEXT NOT NULL
) STRICT;

CREATE TABLE chains (
    chain INTEGER PRIMARY KEY,
    json TEXT NOT NULL
) STRICT;

CREATE TABLE bridges (
    contract TEXT PRIMARY KEY,
    json TEXT NOT NULL
) STRICT;

-- Raw events that did not decode, by RPC event id.
CREATE TABLE unknown_events (
    id TEXT PRIMARY KEY,
    json TEXT NOT NULL
) STRICT;
