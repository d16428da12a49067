//! The archive's read side: the events of `raw_events` (written with each batch, see
//! [`crate::write`]) back in chain order, as Stellar RPC's `getEvents` returns them, so the
//! server can answer `getEvents` from its own store long after the RPC's retention window
//! moved on.

use teachlink_indexer::decode::RawEvent;
use teachlink_indexer::store::Gap;
use teachlink_indexer::EventId;

use crate::codec::{from_json, u32_from_sql, u64_to_sql};
use crate::db::{Param, RawRow};
use crate::{SqlError, SqlStore};

/// The most events one archive read returns (as stellar-rpc's `getEvents` limit).
pub const MAX_ARCHIVE_PAGE: u32 = 10_000;

/// What the archive holds: every ledger up to `latest_ledger` (the committed checkpoint)
/// except the retention gaps the indexer recorded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArchiveWindow {
    /// `None` before the first committed batch.
    pub latest_ledger: Option<u32>,
    pub gaps: Vec<Gap>,
    /// The first ledger archived when the store did not index from the start (bootstrapped
    /// from a snapshot: its archive holds only what followed it).
    pub archive_from: Option<u32>,
}

impl ArchiveWindow {
    /// The first ledger from which the archive is complete up to `latest_ledger`: the
    /// ledger after the last gap, or `start_ledger` without gaps, and never before
    /// `archive_from`.
    pub fn oldest_complete(&self, start_ledger: u32) -> u32 {
        self.gaps
            .iter()
            .map(|g| g.last_ledger.saturating_add(1))
            .chain(self.archive_from)
            .fold(start_ledger, u32::max)
    }
}

/// Which contracts' events to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContractFilter {
    All,
    /// These contract ids (C… strkeys) only; empty reads nothing.
    Only(Vec<String>),
}

pub(crate) fn raw_event(row: RawRow) -> Result<RawEvent, SqlError> {
    Ok(RawEvent {
        kind: row.kind,
        id: row.id,
        ledger: u32_from_sql(row.ledger, "archived event ledger")?,
        ledger_closed_at: row.closed_at,
        contract_id: row.contract_id,
        tx_hash: row.tx_hash,
        topic: from_json(&row.topics, "archived event topics")?,
        value: row.value,
        in_successful_contract_call: row.successful.map(|v| v != 0),
    })
}

impl SqlStore {
    /// The archive's extent: the committed checkpoint's ledger and gaps.
    pub async fn archive_window(&self) -> Result<ArchiveWindow, SqlError> {
        let meta = self.read_meta().await?;
        let archive_from = self
            .pool
            .text(
                "SELECT COALESCE(CAST(archive_from AS TEXT), '') FROM meta WHERE id = 1",
                &[],
            )
            .await?
            .filter(|t| !t.is_empty())
            .map(|t| {
                t.parse::<u32>().map_err(|e| SqlError::Corrupt {
                    what: "archive start",
                    detail: e.to_string(),
                })
            })
            .transpose()?;
        Ok(match meta.checkpoint {
            Some(c) => ArchiveWindow {
                latest_ledger: Some(c.ledger),
                gaps: c.gaps,
                archive_from,
            },
            None => ArchiveWindow::default(),
        })
    }

    /// Archived events in chain order: from the start of `from_ledger`, strictly after
    /// `after` (when given), through `through_ledger` inclusive, of `contracts`, at most
    /// `limit` (clamped to `1..=MAX_ARCHIVE_PAGE`).
    pub async fn archived_events(
        &self,
        from_ledger: u32,
        after: Option<EventId>,
        through_ledger: u32,
        contracts: &ContractFilter,
        limit: u32,
    ) -> Result<Vec<RawEvent>, SqlError> {
        self.archived_events_containing(from_ledger, after, through_ledger, contracts, &[], limit)
            .await
    }

    /// [`SqlStore::archived_events`] of only the events whose topics contain one of
    /// `any_of` (base64 XDR topic values; empty: no such condition). A coarse filter done
    /// by the database (a substring of the topics' JSON text, so a superset: the caller
    /// matches topic positions exactly), so a topic-filtered `getEvents` over a long
    /// archive does not carry every row out of it.
    pub async fn archived_events_containing(
        &self,
        from_ledger: u32,
        after: Option<EventId>,
        through_ledger: u32,
        contracts: &ContractFilter,
        any_of: &[String],
        limit: u32,
    ) -> Result<Vec<RawEvent>, SqlError> {
        let ids = match contracts {
            ContractFilter::Only(ids) if ids.is_empty() => return Ok(Vec::new()),
            ContractFilter::Only(ids) => Some(ids),
            ContractFilter::All => None,
        };
        if through_ledger < from_ledger {
            return Ok(Vec::new());
        }
        let mut params = vec![
            Param::Int(u64_to_sql(u64::from(from_ledger) << 32)),
            // Below the first position of the ledger after `through_ledger`.
            Param::Int(u64_to_sql((u64::from(through_ledger) + 1) << 32)),
        ];
        let mut sql = String::from(
            "SELECT id, ledger, closed_at, contract_id, tx_hash, kind, topics, value, successful \
             FROM raw_events WHERE toid >= $1 AND toid < $2",
        );
        if let Some(a) = after {
            params.push(Param::Int(u64_to_sql(a.toid)));
            params.push(Param::Int(i64::from(a.index)));
            sql.push_str(&format!(
                " AND (toid, event_index) > (${}, ${})",
                params.len() - 1,
                params.len()
            ));
        }
        if let Some(ids) = ids {
            let mut marks = Vec::with_capacity(ids.len());
            for id in ids {
                params.push(Param::Text(id.clone()));
                marks.push(format!("${}", params.len()));
            }
            sql.push_str(&format!(" AND contract_id IN ({})", marks.join(", ")));
        }
        if !any_of.is_empty() {
            let mut likes = Vec::with_capacity(any_of.len());
            for v in any_of {
                // Base64 has no `%`, `_` or `\\`: the value needs no escaping in a pattern.
                params.push(Param::Text(format!("%{v}%")));
                likes.push(format!("topics LIKE ${}", params.len()));
            }
            sql.push_str(&format!(" AND ({})", likes.join(" OR ")));
        }
        params.push(Param::Int(i64::from(limit.clamp(1, MAX_ARCHIVE_PAGE))));
        sql.push_str(&format!(
            " ORDER BY toid, event_index LIMIT ${}",
            params.len()
        ));
        let rows = self.pool.raw_rows(&sql, &params).await?;
        rows.into_iter().map(raw_event).collect()
    }

    /// How many events the archive holds.
    pub async fn archived_count(&self) -> Result<u64, SqlError> {
        let text = self
            .pool
            .text("SELECT CAST(COUNT(*) AS TEXT) FROM raw_events", &[])
            .await?
            .unwrap_or_default();
        text.parse().map_err(|_| SqlError::Corrupt {
            what: "archive count",
            detail: text,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_archive_is_complete_after_its_last_gap() {
        let w = ArchiveWindow {
            archive_from: None,
            latest_ledger: Some(100),
            gaps: vec![
                Gap {
                    first_ledger: 3,
                    last_ledger: 9,
                },
                Gap {
                    first_ledger: 20,
                    last_ledger: 29,
                },
            ],
        };
        assert_eq!(w.oldest_complete(3), 30);
        assert_eq!(ArchiveWindow::default().oldest_complete(3), 3);
    }
}
