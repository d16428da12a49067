//! Owns the check that the chain the indexer reads is the chain its store was indexed
//! from: the network passphrase, the deployment (contract ids by name, start ledger) and a
//! fingerprint of the chain's early history (the deployment's first event: its id,
//! transaction and close time) are recorded in the store on first use and compared before
//! indexing starts, after every endpoint switch, and whenever the RPC's head falls behind
//! the checkpoint. A localnet restarted without its state file, a reset testnet, another
//! network or a changed deployment is refused ([`Mismatch`]): indexing stops with the
//! reason in /health, `teachlink_indexer_chain_mismatch` is 1, and the runbook's
//! TeachLinkIndexerChainMismatch section says how to re-index. New-chain events are never
//! applied onto old-chain entities.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use teachlink_indexer::sync::{RpcClient, RpcError, Start};
use teachlink_indexer::Deployment;

/// The deployment's first event, as the RPC reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    pub id: String,
    pub ledger: u32,
    pub tx_hash: String,
    pub ledger_closed_at: String,
}

/// The chain a store was indexed from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkIdentity {
    pub passphrase: String,
    pub contracts: BTreeMap<String, String>,
    pub start_ledger: u32,
    /// `None` while the deployment has no event yet (recorded once it has).
    pub first_event: Option<Fingerprint>,
}

/// What the RPC says now about the deployment's early history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FirstEvent {
    Found(Fingerprint),
    /// The start ledger is served and no event follows it yet.
    None,
    /// The start ledger left the RPC's window: not checkable there.
    Pruned,
}

/// The chain as one RPC endpoint serves it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observed {
    pub passphrase: String,
    pub latest_ledger: u32,
    pub first_event: FirstEvent,
}

/// Why the store and the chain do not match.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Mismatch {
    #[error("the store was indexed from the network {stored:?}, the RPC serves {now:?}")]
    Network { stored: String, now: String },
    #[error("the store was indexed for the contracts {stored:?}, the configuration names {now:?}")]
    Contracts {
        stored: BTreeMap<String, String>,
        now: BTreeMap<String, String>,
    },
    #[error("the store was indexed from start ledger {stored}, the configuration says {now}")]
    StartLedger { stored: u32, now: u32 },
    #[error("the chain was reset: the deployment's first event was in ledger {ledger}, the RPC's latest ledger is {latest}")]
    ChainShorter { ledger: u32, latest: u32 },
    #[error(
        "the chain was reset: the deployment's first event was {stored}, the RPC now has {now}"
    )]
    FirstEvent { stored: String, now: String },
}

/// Asks `rpc` for the network, its head and the deployment's first event.
pub async fn observe(rpc: &RpcClient, deployment: &Deployment) -> Result<Observed, RpcError> {
    let network = rpc.get_network().await?;
    let health = rpc.get_health().await?;
    let start = deployment.start_ledger;
    let first_event = if health.oldest_ledger > start {
        FirstEvent::Pruned
    } else if health.latest_ledger < start {
        FirstEvent::None
    } else {
        let ids: Vec<String> = deployment.contracts.values().cloned().collect();
        let page = rpc.get_events(&ids, Start::Ledger(start), 1).await?;
        match page.events.into_iter().next() {
            Some(e) => FirstEvent::Found(Fingerprint {
                id: e.id,
                ledger: e.ledger,
                tx_hash: e.tx_hash,
                ledger_closed_at: e.ledger_closed_at,
            }),
            None => FirstEvent::None,
        }
    };
    Ok(Observed {
        passphrase: network.passphrase,
        latest_ledger: health.latest_ledger,
        first_event,
    })
}

/// Compares `stored` (if any) with what the RPC serves now for `deployment`. `Ok` with the
/// identity to record when it is new or learnt its first event; `Ok(None)` when nothing
/// changes.
pub fn check(
    stored: Option<&NetworkIdentity>,
    deployment: &Deployment,
    now: &Observed,
) -> Result<Option<NetworkIdentity>, Mismatch> {
    let found = match &now.first_event {
        FirstEvent::Found(f) => Some(f.clone()),
        FirstEvent::None | FirstEvent::Pruned => None,
    };
    let Some(stored) = stored else {
        return Ok(Some(NetworkIdentity {
            passphrase: now.passphrase.clone(),
            contracts: deployment.contracts.clone(),
            start_ledger: deployment.start_ledger,
            first_event: found,
        }));
    };
    if stored.passphrase != now.passphrase {
        return Err(Mismatch::Network {
            stored: stored.passphrase.clone(),
            now: now.passphrase.clone(),
        });
    }
    if stored.contracts != deployment.contracts {
        return Err(Mismatch::Contracts {
            stored: stored.contracts.clone(),
            now: deployment.contracts.clone(),
        });
    }
    if stored.start_ledger != deployment.start_ledger {
        return Err(Mismatch::StartLedger {
            stored: stored.start_ledger,
            now: deployment.start_ledger,
        });
    }
    let Some(first) = &stored.first_event else {
        // Learnt once the deployment has an event.
        return Ok(found.map(|f| NetworkIdentity {
            first_event: Some(f),
            ..stored.clone()
        }));
    };
    // A chain never shrinks: a head before the first event is another chain.
    if now.latest_ledger < first.ledger {
        return Err(Mismatch::ChainShorter {
            ledger: first.ledger,
            latest: now.latest_ledger,
        });
    }
    match &now.first_event {
        FirstEvent::Found(f) if f != first => Err(Mismatch::FirstEvent {
            stored: describe(first),
            now: describe(f),
        }),
        FirstEvent::None => Err(Mismatch::FirstEvent {
            stored: describe(first),
            now: "no event".into(),
        }),
        FirstEvent::Found(_) | FirstEvent::Pruned => Ok(None),
    }
}

fn describe(f: &Fingerprint) -> String {
    format!(
        "{} (ledger {}, transaction {}, closed at {})",
        f.id, f.ledger, f.tx_hash, f.ledger_closed_at
    )
}
