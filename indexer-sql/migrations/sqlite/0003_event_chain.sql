-- The hash chain over every archived event, in chain order (teachlink_indexer::snapshot::
-- EventChain, as JSON), advanced in the transaction that archives each batch and set by a
-- snapshot import: what a snapshot exported from this store says it covers. NULL: no
-- event yet.
ALTER TABLE meta ADD COLUMN event_chain TEXT;
