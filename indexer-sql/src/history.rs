//! Owns filling in history the store skipped: the events of a recorded retention gap (once
//! an RPC endpoint that holds those ledgers answers again) or the past of a contract added
//! to the deployment.
//!
//! Projections depend on order (an escrow's approvals follow its creation; an event at or
//! before `applied_through` is a replay), so events older than what is applied cannot be
//! applied on top. They are merged into the archive (`raw_events`, kept in chain order), and
//! every projection, the counters and the event chain are rebuilt by replaying the whole
//! archive with the indexer's own decoder and projection code, in ONE transaction with the
//! new checkpoint: a failure or a kill leaves the store as it was.
//!
//! A rebuild needs the archive to hold everything the projections were built from. A store
//! bootstrapped from a snapshot (its archive starts at `archive_from`) or one whose archive
//! holds fewer events than it applied is refused ([`SqlError::CannotRebuild`]), nothing
//! written.

use teachlink_indexer::decode::{Decoded, RawEvent};
use teachlink_indexer::project::{Changes, State};
use teachlink_indexer::snapshot::EventChain;
use teachlink_indexer::store::Checkpoint;
use teachlink_indexer::EventId;

use crate::archive::raw_event;
use crate::codec::u64_to_sql;
use crate::db::{Param, Tx};
use crate::write::{
    decode_meta, meta_sql, raw_upsert, write_chain, write_changes, write_meta, META_INTS,
};
use crate::{Backend, SqlError, SqlStore};

/// Archived events read per query while replaying.
const REPLAY_PAGE: i64 = 5_000;

/// The tables of projected entities, emptied before a rebuild writes them all again.
const ENTITY_TABLES: [&str; 15] = [
    "escrows",
    "escrow_parties",
    "tokens",
    "profiles",
    "completions",
    "contributions",
    "rewards",
    "pools",
    "contracts",
    "outbound",
    "inbound",
    "validators",
    "chains",
    "bridges",
    "unknown_events",
];

/// What [`SqlStore::merge_history`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Merged {
    /// Events new to the archive.
    pub added: u64,
    /// Events replayed: the whole archive after the merge.
    pub replayed: u64,
}

async fn count_raw(tx: &mut Tx) -> Result<u64, SqlError> {
    let text = tx
        .texts("SELECT CAST(COUNT(*) AS TEXT) FROM raw_events")
        .await?
        .pop()
        .unwrap_or_default();
    text.parse().map_err(|_| SqlError::Corrupt {
        what: "archive count",
        detail: text,
    })
}

impl SqlStore {
    /// Merges `raw` (events of ledgers the store skipped, in any order; those already
    /// archived are ignored) into the archive and rebuilds every projection, the counters
    /// and the event chain from the whole archive in chain order, decoding with `decode`;
    /// commits `checkpoint(committed)` with them, in one transaction (see the module
    /// documentation). Refused with [`SqlError::CannotRebuild`] when the archive does not
    /// hold the history the projections were built from.
    pub async fn merge_history<D, C>(
        &self,
        raw: &[RawEvent],
        mut decode: D,
        checkpoint: C,
    ) -> Result<Merged, SqlError>
    where
        D: FnMut(RawEvent) -> Decoded + Send,
        C: FnOnce(Checkpoint) -> Checkpoint + Send,
    {
        let archive = raw_upsert(raw)?;
        let mut writer = self.writer.lock().await;
        // Whatever happens below, the writer reloads what is committed on its next batch.
        *writer = None;
        let mut tx = self.pool.begin_write().await?;
        let for_update = self.backend() == Backend::Postgres;
        let meta = decode_meta(tx.ints_text(&meta_sql(for_update), META_INTS).await?)?;
        let fence = self.fence.lock().ok().and_then(|f| f.clone());
        if let Some(fence) = fence {
            crate::lock::check_fence(&mut tx, &fence).await?;
        }
        let Some(committed) = meta.checkpoint.clone() else {
            return Err(SqlError::CannotRebuild(
                "nothing is indexed yet: there is no history to merge into".into(),
            ));
        };
        let archive_from = tx
            .texts("SELECT COALESCE(CAST(archive_from AS TEXT), '') FROM meta WHERE id = 1")
            .await?
            .pop()
            .unwrap_or_default();
        if !archive_from.is_empty() {
            return Err(SqlError::CannotRebuild(format!(
                "the store was bootstrapped from a snapshot: its archive starts at ledger \
                 {archive_from}"
            )));
        }
        let before = count_raw(&mut tx).await?;
        // A complete archive holds every event applied, decoded or kept unknown.
        if before < meta.events.saturating_add(meta.unknown) {
            return Err(SqlError::CannotRebuild(format!(
                "the archive holds {before} events, the store applied {} (a store from \
                 before the archive)",
                meta.events.saturating_add(meta.unknown)
            )));
        }
        tx.upsert(&archive).await?;
        let after = count_raw(&mut tx).await?;

        let mut state = State::default();
        let mut chain = EventChain::genesis();
        let mut last: Option<(i64, i64)> = None;
        let mut replayed = 0u64;
        loop {
            let (sql, params) = match last {
                None => (
                    "SELECT id, ledger, closed_at, contract_id, tx_hash, kind, topics, value, \
                     successful FROM raw_events ORDER BY toid, event_index LIMIT $1",
                    vec![Param::Int(REPLAY_PAGE)],
                ),
                Some((toid, index)) => (
                    "SELECT id, ledger, closed_at, contract_id, tx_hash, kind, topics, value, \
                     successful FROM raw_events WHERE (toid, event_index) > ($1, $2) \
                     ORDER BY toid, event_index LIMIT $3",
                    vec![Param::Int(toid), Param::Int(index), Param::Int(REPLAY_PAGE)],
                ),
            };
            let rows = tx.raw_rows(sql, &params).await?;
            let done = (rows.len() as i64) < REPLAY_PAGE;
            let mut decoded = Vec::with_capacity(rows.len());
            for row in rows {
                let event = raw_event(row)?;
                // Only events with an RPC id are archived (see `raw_upsert`).
                let id: EventId = event.id.parse().map_err(|_| SqlError::Corrupt {
                    what: "archived event id",
                    detail: event.id.clone(),
                })?;
                last = Some((u64_to_sql(id.toid), i64::from(id.index)));
                chain.push(&event).map_err(|e| SqlError::Encode {
                    what: "event chain",
                    detail: e.to_string(),
                })?;
                decoded.push(decode(event));
            }
            replayed += decoded.len() as u64;
            state.apply_batch(&decoded);
            if done {
                break;
            }
        }
        if state.events < meta.events || (state.unknown.len() as u64) < meta.unknown {
            return Err(SqlError::CannotRebuild(format!(
                "the archive replays to {} events and {} unknown ones, the store applied {} \
                 and {}: it does not hold everything",
                state.events,
                state.unknown.len(),
                meta.events,
                meta.unknown
            )));
        }
        for table in ENTITY_TABLES {
            tx.execute(&format!("DELETE FROM {table}"), &[]).await?;
        }
        write_changes(&mut tx, &state, &Changes::all(&state)).await?;
        write_chain(&mut tx, &chain).await?;
        write_meta(
            &mut tx,
            &state,
            &checkpoint(committed),
            meta.generation.wrapping_add(1),
        )
        .await?;
        tx.commit().await?;
        Ok(Merged {
            added: after.saturating_sub(before),
            replayed,
        })
    }
}
