//! Owns filling in what the indexer skipped (issue 17 items 4 and 5):
//!
//! * a retention gap the store recorded (no endpoint held those ledgers when the indexer
//!   needed them), once an RPC endpoint that holds them answers: another server's archive
//!   back after a failover, an RPC with a longer retention ([`fill_gap`]);
//! * the past of a contract added to the deployment since the store was indexed, from the
//!   deployment's start ledger through the checkpoint ([`add_contracts`]): what an endpoint
//!   no longer holds is recorded as a gap, filled later like any other.
//!
//! Events are fetched with the indexer's page checks ([`validate_page`]) and merged by the
//! store, which rebuilds its projections from its archive in chain order, in one
//! transaction ([`AppStore::merge_history`]).

use std::collections::BTreeMap;

use teachlink_indexer::decode::{ContractKind, Decoder, RawEvent};
use teachlink_indexer::store::{Checkpoint, Gap};
use teachlink_indexer::sync::{validate_page, RpcClient, RpcError, Start};
use teachlink_indexer::{Address, Deployment, EventId, Store};
use teachlink_indexer_sql::{Merged, SqlError};

use crate::failover::Endpoints;
use crate::identity::NetworkIdentity;
use crate::store::AppStore;

/// Why skipped history could not be filled in now.
#[derive(Debug, thiserror::Error)]
pub enum BackfillError {
    /// The endpoint failed or answered a page that breaks the paging contract: retried
    /// later.
    #[error("fetching ledgers {first} to {last} from {url}: {error}")]
    Rpc {
        url: String,
        first: u32,
        last: u32,
        error: RpcError,
    },
    /// No endpoint answers with any of the ledgers needed: retried later.
    #[error("no RPC endpoint answers with ledger {0} or later")]
    NoEndpoint(u32),
    #[error(transparent)]
    Store(#[from] SqlError),
    #[error("the stored chain identity: {0}")]
    Identity(String),
}

impl BackfillError {
    /// Whether waiting cannot help: the store cannot rebuild its projections.
    pub fn is_fatal(&self) -> bool {
        matches!(
            self,
            BackfillError::Store(SqlError::CannotRebuild(_)) | BackfillError::Identity(_)
        )
    }
}

/// The indexer's decoder for `deployment`, as the syncer builds it: by contract id, the
/// events of contracts this version does not know kept raw.
pub fn decoder(deployment: &Deployment) -> Decoder {
    let kinds: Vec<(Address, ContractKind)> = deployment
        .contracts
        .iter()
        .filter_map(|(name, id)| Some((id.parse().ok()?, ContractKind::from_name(name)?)))
        .collect();
    if kinds.is_empty() {
        Decoder::new()
    } else {
        Decoder::with_contracts(kinds)
    }
}

/// Every event of `contract_ids` from the start of ledger `first` through `through`
/// (inclusive), `page_limit` per `getEvents` page, each page checked before it is used.
pub async fn fetch(
    rpc: &RpcClient,
    contract_ids: &[String],
    first: u32,
    through: EventId,
    page_limit: u32,
) -> Result<Vec<RawEvent>, RpcError> {
    let mut events = Vec::new();
    let mut from = Start::Ledger(first);
    loop {
        let page = rpc.get_events(contract_ids, from, page_limit).await?;
        let next = validate_page(&page, from)?;
        for event in page.events {
            // Parsed by `validate_page` already.
            let id: EventId = event
                .id
                .parse()
                .map_err(|_| RpcError::Malformed(format!("event id {:?}", event.id)))?;
            if id > through {
                return Ok(events);
            }
            events.push(event);
        }
        let Some(next) = next else {
            return Ok(events);
        };
        if next >= through {
            return Ok(events);
        }
        if let Start::After(previous) = from {
            if next <= previous {
                return Err(RpcError::Malformed(format!(
                    "the cursor did not move past {previous}"
                )));
            }
        }
        if next.ledger() > page.latest_ledger {
            return Ok(events);
        }
        from = Start::After(next);
    }
}

/// Fills the oldest recorded gap that an endpoint holds now, if any: `Ok(Some)` with the
/// gap and what the store merged.
pub async fn fill_gap(
    store: &AppStore,
    endpoints: &mut Endpoints,
    deployment: &Deployment,
    page_limit: u32,
) -> Result<Option<(Gap, Merged)>, BackfillError> {
    let Some(checkpoint) = store.cursor().await? else {
        return Ok(None);
    };
    for gap in checkpoint.gaps {
        let Some(url) = endpoints.holding(gap.first_ledger, gap.last_ledger).await else {
            continue;
        };
        let rpc_error = |error| BackfillError::Rpc {
            url: url.clone(),
            first: gap.first_ledger,
            last: gap.last_ledger,
            error,
        };
        let rpc = RpcClient::new(url.clone()).map_err(rpc_error)?;
        let ids: Vec<String> = deployment.contracts.values().cloned().collect();
        let raw = fetch(
            &rpc,
            &ids,
            gap.first_ledger,
            EventId::end_of_ledger(gap.last_ledger),
            page_limit,
        )
        .await
        .map_err(rpc_error)?;
        let mut decoder = decoder(deployment);
        let merged = store
            .merge_history(
                &raw,
                |e| decoder.decode(e),
                move |mut c: Checkpoint| {
                    c.gaps.retain(|g| *g != gap);
                    c
                },
            )
            .await?;
        tracing::info!(
            first_ledger = gap.first_ledger,
            last_ledger = gap.last_ledger,
            events = raw.len(),
            new = merged.added,
            rpc = %url,
            "filled a retention gap from an endpoint that holds it"
        );
        return Ok(Some((gap, merged)));
    }
    Ok(None)
}

/// The contracts `deployment` names beyond the recorded ones, when it only adds: every
/// recorded contract is still there under its name with its id. `None` when nothing is
/// added, or something was removed or changed (a mismatch, not an addition).
pub fn added_contracts(
    recorded: &BTreeMap<String, String>,
    deployment: &Deployment,
) -> Option<BTreeMap<String, String>> {
    let keeps_all = recorded
        .iter()
        .all(|(name, id)| deployment.contracts.get(name) == Some(id));
    let added: BTreeMap<String, String> = deployment
        .contracts
        .iter()
        .filter(|(name, _)| !recorded.contains_key(*name))
        .map(|(n, i)| (n.clone(), i.clone()))
        .collect();
    (keeps_all && !added.is_empty()).then_some(added)
}

/// Fetches the past of the contracts `added` to the deployment since `identity` was
/// recorded, from the deployment's start ledger through the store's checkpoint, merges it
/// (see the module documentation), then records the deployment in the chain identity. What
/// no answering endpoint holds any more is recorded as a gap. Returns the events fetched.
pub async fn add_contracts(
    store: &AppStore,
    endpoints: &mut Endpoints,
    deployment: &Deployment,
    identity: &NetworkIdentity,
    added: &BTreeMap<String, String>,
    page_limit: u32,
) -> Result<usize, BackfillError> {
    let mut fetched = 0;
    if let Some(checkpoint) = store.cursor().await? {
        let start = deployment.start_ledger;
        // Through everything the syncer has passed: the checkpoint's ledger, or its cursor
        // when that lies inside the next ledger.
        let through = checkpoint
            .cursor
            .map_or(EventId::end_of_ledger(checkpoint.ledger), |c| {
                c.max(EventId::end_of_ledger(checkpoint.ledger))
            });
        let last = through.ledger();
        // The whole range from one endpoint; else the most an answering one still holds.
        let (url, first) = match endpoints.holding(start, last).await {
            Some(url) => (url, start),
            None => {
                let url = endpoints
                    .holding(last, last)
                    .await
                    .ok_or(BackfillError::NoEndpoint(last))?;
                let rpc = RpcClient::new(url.clone()).map_err(|error| BackfillError::Rpc {
                    url: url.clone(),
                    first: start,
                    last,
                    error,
                })?;
                let oldest = rpc
                    .get_health()
                    .await
                    .map_err(|error| BackfillError::Rpc {
                        url: url.clone(),
                        first: start,
                        last,
                        error,
                    })?
                    .oldest_ledger;
                (url, oldest.max(start))
            }
        };
        let rpc_error = |error| BackfillError::Rpc {
            url: url.clone(),
            first,
            last,
            error,
        };
        let rpc = RpcClient::new(url.clone()).map_err(rpc_error)?;
        let ids: Vec<String> = added.values().cloned().collect();
        let raw = fetch(&rpc, &ids, first, through, page_limit)
            .await
            .map_err(rpc_error)?;
        fetched = raw.len();
        let missing = (first > start).then(|| Gap {
            first_ledger: start,
            last_ledger: first - 1,
        });
        let mut decoder = decoder(deployment);
        store
            .merge_history(
                &raw,
                |e| decoder.decode(e),
                move |mut c: Checkpoint| {
                    if let Some(gap) = missing {
                        c.gaps.push(gap);
                        c.gaps.sort_by_key(|g| g.first_ledger);
                    }
                    c
                },
            )
            .await?;
        tracing::info!(
            contracts = ?added.keys().collect::<Vec<_>>(),
            from_ledger = first,
            through_ledger = last,
            events = fetched,
            rpc = %url,
            "backfilled the contracts added to the deployment"
        );
        if let Some(gap) = missing {
            tracing::warn!(
                first_ledger = gap.first_ledger,
                last_ledger = gap.last_ledger,
                "no endpoint holds the added contracts' earliest ledgers: recorded as a gap"
            );
        }
    }
    // The deployment now indexed; the first event is learnt again over every contract.
    let updated = NetworkIdentity {
        contracts: deployment.contracts.clone(),
        first_event: None,
        ..identity.clone()
    };
    let text =
        serde_json::to_string(&updated).map_err(|e| BackfillError::Identity(e.to_string()))?;
    store.set_network_identity(&text).await?;
    Ok(fetched)
}
