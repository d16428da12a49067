-- A store indexed before the archive existed (migration 0002) applied events it never
-- archived: it holds fewer archived events than applied ones. Its archive is complete only
-- after those, so it records where the archive starts (as a store bootstrapped from a
-- snapshot does) instead of claiming the deployment's whole history: the ledger after its
-- first archived event's (a ledger the old version may have applied in part), or with
-- nothing archived yet, the ledger after the checkpoint's cursor (else its ledger).
--
-- Counters and TOIDs are stored with their top bit flipped (see 0001): the u64 is the
-- stored value + 2^63, so "archived < applied" reads `archived - 2^63 < events`, and a
-- stored TOID's ledger (its top 32 bits) is `(cursor_toid >> 32) + 2^31`.
UPDATE meta SET archive_from = 1 + COALESCE(
        (SELECT MIN(ledger) FROM raw_events),
        (cursor_toid >> 32) + 2147483648,
        checkpoint_ledger)
WHERE id = 1
    AND archive_from IS NULL
    AND checkpoint_ledger IS NOT NULL
    AND events IS NOT NULL
    AND (SELECT COUNT(*) FROM raw_events) + (-9223372036854775807 - 1) < events;
