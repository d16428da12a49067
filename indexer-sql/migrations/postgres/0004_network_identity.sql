-- The chain this store was indexed from (the server's teachlink_server::identity::
-- NetworkIdentity, as JSON): network passphrase, contract ids, start ledger and the
-- deployment's first event. Checked before indexing resumes, so a reset chain, another
-- network or a changed deployment is refused rather than mixed in. NULL: not yet recorded.
ALTER TABLE meta ADD COLUMN network_identity TEXT;
