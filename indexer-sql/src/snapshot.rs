//! Owns the SQL store's side of snapshots ([`teachlink_indexer::snapshot`]): reading the
//! whole state, checkpoint and event chain at one committed batch for export, and
//! importing a verified snapshot into an empty database in one transaction.

use teachlink_indexer::project::{Changes, State};
use teachlink_indexer::snapshot::{EventChain, Snapshot};
use teachlink_indexer::store::Checkpoint;

use crate::db::{Param, Tx};
use crate::write::{
    decode_meta, load_state, meta_sql, read_chain, write_chain, write_changes, write_meta,
    META_INTS,
};
use crate::{Backend, SqlError, SqlStore};

/// What a snapshot is made of, as of one committed batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotParts {
    pub state: State,
    pub checkpoint: Checkpoint,
    pub chain: EventChain,
}

/// A read of the store at one committed batch, for an export: a read snapshot (a WAL read
/// transaction on SQLite, `REPEATABLE READ READ ONLY` on PostgreSQL), so the indexer
/// goes on committing while a large store is read. It sees the batch committed when its
/// first read ran, every time.
pub struct ExportRead {
    tx: Tx,
}

impl ExportRead {
    /// The state with its checkpoint and event chain, as of this read's batch; `None`
    /// before the first batch.
    pub async fn parts(&mut self) -> Result<Option<SnapshotParts>, SqlError> {
        let meta = decode_meta(self.tx.ints_text(&meta_sql(false), META_INTS).await?)?;
        let Some(checkpoint) = meta.checkpoint.clone() else {
            return Ok(None);
        };
        let state = load_state(&mut self.tx, &meta).await?;
        let chain = read_chain(&mut self.tx).await?;
        Ok(Some(SnapshotParts {
            state,
            checkpoint,
            chain,
        }))
    }
}

impl SqlStore {
    /// Opens an [`ExportRead`] (dropping it ends the transaction; it wrote nothing).
    pub async fn begin_export(&self) -> Result<ExportRead, SqlError> {
        Ok(ExportRead {
            tx: self.pool.begin_read().await?,
        })
    }

    /// The committed state with its checkpoint and event chain, all as of the same batch,
    /// read without holding up the writer (see [`ExportRead`]); `None` before the first
    /// batch.
    pub async fn snapshot_parts(&self) -> Result<Option<SnapshotParts>, SqlError> {
        self.begin_export().await?.parts().await
    }

    /// Imports a verified snapshot ([`teachlink_indexer::snapshot::decode`]) into this
    /// empty store, in one transaction: every entity, the counters, the checkpoint (sync
    /// resumes after it) and the event chain (the archive's chain continues from it; the
    /// archive itself starts at the snapshot). A store that holds anything refuses
    /// ([`SqlError::NotEmpty`]); a failed import leaves it as it was.
    pub async fn import_snapshot(&self, snapshot: &Snapshot) -> Result<(), SqlError> {
        let mut writer = self.writer.lock().await;
        *writer = None;
        let mut tx = self.pool.begin_write().await?;
        let for_update = self.backend() == Backend::Postgres;
        let meta = decode_meta(tx.ints_text(&meta_sql(for_update), META_INTS).await?)?;
        if meta.checkpoint.is_some() || meta.events > 0 || meta.unknown > 0 {
            return Err(SqlError::NotEmpty {
                ledger: meta.checkpoint.map_or(0, |c| c.ledger),
            });
        }
        let state = &snapshot.state;
        write_changes(&mut tx, state, &Changes::all(state)).await?;
        write_meta(
            &mut tx,
            state,
            snapshot.checkpoint(),
            meta.generation.wrapping_add(1),
        )
        .await?;
        write_chain(&mut tx, &snapshot.header.chain).await?;
        // The archive holds what follows the snapshot only: it must not claim the rest.
        let archive_from = snapshot.checkpoint().ledger.saturating_add(1);
        tx.execute(
            "UPDATE meta SET archive_from = $1 WHERE id = 1",
            &[Param::Int(i64::from(archive_from))],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The archive's event chain as committed: what a snapshot exported now would carry.
    pub async fn event_chain(&self) -> Result<EventChain, SqlError> {
        let text = self
            .pool
            .text(
                "SELECT COALESCE(event_chain, '') FROM meta WHERE id = 1",
                &[],
            )
            .await?;
        match text.as_deref() {
            None | Some("") => Ok(EventChain::genesis()),
            Some(text) => crate::codec::from_json(text, "event chain"),
        }
    }
}
