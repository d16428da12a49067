//! Owns the sync loop: opens this network's IndexedDB store, then pages the contracts'
//! events from the RPC into it with the indexer's `Syncer`, forever, publishing progress
//! to a signal every page reads. An unreachable RPC shows a banner and is retried; what
//! is already indexed stays readable.

use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use teachlink_indexer::idb::IdbStore;
use teachlink_indexer::store::{Queries as _, Store as _};
use teachlink_indexer::sync::{
    BrowserTimer, RpcClient, Start, Status, Step, SyncConfig, Syncer, Timer as _,
};

use crate::bootstrap::{self, Bootstrap};
use crate::config::{self, AppConfig, Remembered};
use crate::db;

/// What the pages know about syncing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Progress {
    /// The syncer's own figures (ledgers behind, events indexed, gap).
    pub status: Status,
    /// Set once the store is open: pages can read from then on.
    pub ready: bool,
    /// Why the RPC is not being reached right now (a banner; data stays usable).
    pub offline: Option<String>,
    /// Why syncing cannot start at all (no server, no IndexedDB).
    pub fatal: Option<String>,
    /// Events held in this browser's store (from every visit, not only this one).
    pub stored_events: u64,
    /// Bumped when the store has new data, so pages re-read it.
    pub revision: u64,
    /// The revision last published while caught up (or on opening the store): what
    /// computations over the whole store follow.
    pub settled: u64,
    /// The network the data belongs to.
    pub passphrase: String,
    /// How this browser's store was started, when it was started from the server's
    /// snapshot on this visit (or that was tried and failed).
    pub bootstrap: Option<Bootstrap>,
}

/// Starts the loop; the signal it updates.
pub fn start() -> RwSignal<Progress> {
    let progress = RwSignal::new(Progress::default());
    leptos::task::spawn_local(run(progress));
    progress
}

/// Re-read data at most this often while backfilling.
const REFRESH_MS: f64 = 1_000.0;

async fn run(progress: RwSignal<Progress>) {
    let Some((config, store)) = open_store(progress).await else {
        return;
    };
    let mut sync_config = SyncConfig::new(config.rpc_url.clone(), config.deployment.clone());
    // Give up a step after a few failures so the page can say the RPC is unreachable;
    // this loop then tries again.
    sync_config.backoff.max_attempts = Some(3);
    let mut syncer = match Syncer::new(sync_config, &*store, BrowserTimer) {
        Ok(s) => s,
        Err(e) => return progress.update(|p| p.fatal = Some(e.to_string())),
    };
    let timer = BrowserTimer;
    let mut published = f64::MIN;
    // New data committed but not yet shown: pages re-read at most once a second while
    // backfilling, and at once when caught up.
    let mut unpublished = false;
    // Events the syncer has stored so far: a page of new events at the head comes back as
    // `CaughtUp`, not `Page`, so new data is told by this count growing.
    let mut indexed = syncer.status().events_indexed;
    loop {
        match syncer.step().await {
            Ok(step) => {
                let caught_up = step == Step::CaughtUp;
                let now_indexed = syncer.status().events_indexed;
                unpublished |= now_indexed != indexed;
                unpublished |= matches!(step, Step::Page { events } if events > 0);
                indexed = now_indexed;
                let now = timer.now_ms();
                let publish = unpublished && (caught_up || now - published >= REFRESH_MS);
                if publish {
                    published = now;
                    unpublished = false;
                }
                // The count is re-read whenever caught up too, so a failed read heals.
                let stored = if publish || caught_up {
                    match store.stats().await {
                        Ok(s) => Some(s.events),
                        Err(e) => {
                            leptos::logging::warn!("reading the store's counts: {e}");
                            None
                        }
                    }
                } else {
                    None
                };
                let status = syncer.status().clone();
                progress.update(|p| {
                    p.status = status;
                    p.offline = None;
                    if let Some(n) = stored {
                        p.stored_events = n;
                    }
                    if publish {
                        p.revision += 1;
                    }
                    if caught_up {
                        p.settled = p.revision;
                    }
                });
                if caught_up {
                    if let Err(e) = store.idle().await {
                        leptos::logging::warn!("materializing the IndexedDB log: {e}");
                    }
                    timer.sleep(Duration::from_secs(2)).await;
                }
            }
            Err(e) => {
                let status = syncer.status().clone();
                progress.update(|p| {
                    p.status = status;
                    p.offline = Some(e.to_string());
                });
                timer.sleep(Duration::from_secs(5)).await;
            }
        }
    }
}

/// Opens this network's store. A reload opens the store this browser used last at once, so
/// pages read before the server has answered; the server's `/api/status` then confirms it
/// or names another network or chain (a restarted localnet), whose store replaces it. With
/// no server, the remembered configuration syncs straight from the RPC. `None` when there
/// is nothing to sync (reported as fatal).
async fn open_store(progress: RwSignal<Progress>) -> Option<(AppConfig, Rc<IdbStore>)> {
    let mut current = None;
    if let Some(remembered) = config::remembered() {
        match IdbStore::open(&remembered.database).await {
            // An emptied store (site data cleared) goes the new browser's way below.
            Ok(store) if !matches!(store.cursor().await, Ok(None)) => {
                let store = Rc::new(store);
                show_store(progress, &remembered.config, &remembered.database, &store).await;
                current = Some((remembered, store));
            }
            Ok(_) => {}
            Err(e) => leptos::logging::warn!("reopening the last IndexedDB store: {e}"),
        }
    }
    let config = match config::load().await {
        Ok(config) => config,
        Err(e) => {
            let Some((remembered, store)) = current else {
                progress.update(|p| p.fatal = Some(e));
                return None;
            };
            progress
                .update(|p| p.offline = Some(format!("{e}; syncing with the last known settings")));
            return Some((remembered.config, store));
        }
    };
    // `None`: the chain cannot be told right now (its RPC is away).
    let identity = chain_identity(&config).await;
    if let Some((remembered, store)) = current {
        let same_chain = identity
            .as_deref()
            .is_none_or(|i| db::database_name(i) == remembered.database);
        if remembered.config == config && same_chain {
            return Some((config, store));
        }
    }
    let database = db::database_name(&identity.unwrap_or_else(|| fallback_identity(&config)));
    let store = match IdbStore::open(&database).await {
        Ok(s) => Rc::new(s),
        Err(e) => {
            progress.update(|p| p.fatal = Some(format!("cannot open IndexedDB: {e}")));
            return None;
        }
    };
    // A new browser starts from the server's snapshot rather than from the first ledger.
    if matches!(store.cursor().await, Ok(None)) {
        let outcome = bootstrap::from_server(&config, &store).await;
        if let Bootstrap::Refused(reason) | Bootstrap::Unavailable(reason) = &outcome {
            leptos::logging::warn!("not started from the server's snapshot: {reason}");
        }
        progress.update(|p| p.bootstrap = Some(outcome));
    }
    show_store(progress, &config, &database, &store).await;
    config::remember(&Remembered {
        config: config.clone(),
        database,
    });
    Some((config, store))
}

/// Makes `store` the one pages read, and tells them. Its event count follows: the pages'
/// own reads come first.
async fn show_store(
    progress: RwSignal<Progress>,
    config: &AppConfig,
    database: &str,
    store: &Rc<IdbStore>,
) {
    config::set_loaded(config.clone());
    db::set(database.to_string(), store.clone());
    crate::view::mark("teachlink-store-open");
    progress.update(|p| {
        p.ready = true;
        p.revision += 1;
        p.settled = p.revision;
        p.passphrase = config.passphrase.clone();
    });
    let stored = store.stats().await.map_or(0, |s| s.events);
    progress.update(|p| p.stored_events = stored);
}

/// What tells one chain from another with the same passphrase and contract ids: a
/// localnet starts a new chain on every run, deploying at the same ids, and its first
/// event's close time differs. Public networks never restart, so their passphrase and
/// contracts are enough (and the first ledger may be out of the RPC's window).
async fn chain_identity(config: &AppConfig) -> Option<String> {
    let mut identity = fallback_identity(config);
    if !config.local {
        return Some(identity);
    }
    let ids: Vec<String> = config.deployment.contracts.values().cloned().collect();
    let rpc = RpcClient::new(config.rpc_url.clone()).ok()?;
    let page = rpc
        .get_events(&ids, Start::Ledger(config.deployment.start_ledger), 1)
        .await
        .ok()?;
    if let Some(event) = page.events.into_iter().next() {
        identity.push('@');
        identity.push_str(&event.ledger_closed_at);
    }
    Some(identity)
}

/// The network and the contracts, without the chain's first event.
fn fallback_identity(config: &AppConfig) -> String {
    let mut identity = config.passphrase.clone();
    for id in config.deployment.contracts.values() {
        identity.push('/');
        identity.push_str(id);
    }
    identity
}
