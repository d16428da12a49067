//! Owns a new browser's first visit: instead of replaying the chain, an empty IndexedDB
//! store imports the serving TeachLink server's snapshot (`GET /api/snapshot`, the
//! browser decompresses it), verified against its published SHA-256, this network's
//! passphrase and the contracts, then the sync continues from the RPC after it. Without
//! a server snapshot (none yet, unreachable, refused) the sync simply starts from the
//! deployment's first ledger.

use teachlink_indexer::idb::IdbStore;
use teachlink_indexer::snapshot::{self, Expected, SHA256_HEADER};

use crate::config::AppConfig;

/// What became of the attempt, for the sync bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Bootstrap {
    /// Imported: the ledger it was at and its events.
    Imported { ledger: u32, events: u64 },
    /// The server had none to give, or could not be reached: the sync starts from zero.
    Unavailable(String),
    /// The server's snapshot failed verification and was not used.
    Refused(String),
}

/// Imports the server's snapshot into `store`, which must be empty.
pub async fn from_server(config: &AppConfig, store: &IdbStore) -> Bootstrap {
    let origin = match leptos::prelude::window().location().origin() {
        Ok(origin) => origin,
        Err(_) => return Bootstrap::Unavailable("this page has no origin".into()),
    };
    let response = match gloo_net::http::Request::get(&format!("{origin}/api/snapshot"))
        .send()
        .await
    {
        Ok(r) if r.ok() => r,
        Ok(r) => return Bootstrap::Unavailable(format!("the server answered HTTP {}", r.status())),
        Err(e) => return Bootstrap::Unavailable(e.to_string()),
    };
    let Some(sha256) = response.headers().get(SHA256_HEADER) else {
        return Bootstrap::Refused("the snapshot came without its SHA-256".into());
    };
    let bytes = match response.binary().await {
        Ok(b) => b,
        Err(e) => return Bootstrap::Unavailable(format!("the download broke off: {e}")),
    };
    let snap = match snapshot::decode(
        &bytes,
        &Expected {
            network_passphrase: &config.passphrase,
            contracts: Some(&config.deployment.contracts),
            sha256: Some(&sha256),
        },
    ) {
        Ok(s) => s,
        Err(e) => return Bootstrap::Refused(e.to_string()),
    };
    match store.import_snapshot(&snap).await {
        Ok(()) => Bootstrap::Imported {
            ledger: snap.header.checkpoint.ledger,
            events: snap.header.events,
        },
        Err(e) => Bootstrap::Refused(e.to_string()),
    }
}
