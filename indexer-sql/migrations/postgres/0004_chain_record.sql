-- The chain this store was indexed from (the server's teachlink_server::identity::
-- NetworkIdentity, as JSON): network passphrase, contract ids, start ledger and the
-- deployment's first event. Checked before indexing resumes, so a reset chain, another
-- network or a changed deployment is refused rather than mixed in. NULL: not yet recorded.
ALTER TABLE meta ADD COLUMN network_identity TEXT;
-- The first ledger whose events the archive (raw_events) holds when the store did not
-- index from the start: a store bootstrapped from a snapshot archives only what follows
-- the snapshot, and its archive must not claim the ledgers before it. NULL: from the start.
ALTER TABLE meta ADD COLUMN archive_from BIGINT;
