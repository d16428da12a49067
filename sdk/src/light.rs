//! Owns `LightIndexer`, the light indexer for JavaScript (feature `light-indexer`, the
//! package's `@teachlink/sdk/indexer` entry): the indexer crate's own `Syncer` paging the
//! contracts' events from a Stellar RPC into the browser's IndexedDB (`IdbStore`) or, where
//! there is none (Node.js) or no database is named, into memory, and its queries over the
//! projected entities. The same code the web app and the server run; nothing here decodes
//! or projects events itself.

use std::cell::RefCell;
use std::rc::Rc;

use serde::Serialize;
use teachlink_indexer::idb::IdbStore;
use teachlink_indexer::project::EscrowStatus;
use teachlink_indexer::scope::{Entering, Scope};
use teachlink_indexer::snapshot::{self, Expected};
use teachlink_indexer::store::{
    BatchOutcome, Checkpoint, MemoryStore, Queries, ScopedStore, Store,
};
use teachlink_indexer::sync::{BrowserTimer, Status, Step, SyncConfig, Syncer};
use teachlink_indexer::{Address, Decoded, Deployment};
use wasm_bindgen::prelude::*;

use crate::error::{Result, SdkError};
use crate::js;

#[wasm_bindgen(typescript_custom_section)]
const LIGHT_TYPES: &'static str = r#"
/** `LightIndexer.open`'s options. */
export interface LightIndexerOptions {
  /** A Stellar RPC endpoint (or a TeachLink server's archive at `/rpc`). */
  rpcUrl: string;
  /** The contracts to index and the ledger to start at. */
  deployment: Deployment;
  /** An IndexedDB database name: the data persists across page loads. Without one (and
   * always where there is no IndexedDB, as in Node.js) the data lives in memory. */
  database?: string | undefined;
  /** Events per getEvents page (default 1,000). */
  pageLimit?: number | undefined;
  /** What to sync. `"full"` (the default here): every event of every contract, the full
   * replica operators and auditors keep. Or a scope: these accounts' slice of the chain
   * (their escrows, tokens, completions, contributions, reputation, rewards, bridge
   * transfers, each entity complete, also where others signed its events), plus every
   * content token when `catalogue` is true. */
  scope?: "full" | { accounts: string[]; catalogue?: boolean | undefined } | undefined;
  /** Scoped sync: where the complete histories of escrows and tokens entering the scope
   * are fetched from (a TeachLink server's archive, `…/rpc`, keeps what the RPC's retention
   * window dropped); the RPC when absent. */
  historyUrl?: string | undefined;
}

/** Where the sync is. */
export interface SyncStatus {
  indexed_ledger: number;
  latest_ledger: number;
  oldest_ledger: number;
  ledgers_behind: number;
  caught_up: boolean;
  events_indexed: number;
  unknown_events: number;
  duplicate_events: number;
  events_per_second: number;
  pages: number;
  retries: number;
  consecutive_failures: number;
  last_error: string | null;
  /** A retention gap: ledgers the RPC no longer had when they were needed. */
  gap: { first_ledger: number; last_ledger: number } | null;
}

/** What one `step()` did: a page of `events` committed, or nothing newer than the head. */
export type SyncStep = { kind: "page"; events: number } | { kind: "caught_up" };

/** Counts over the whole store. */
export interface StoreStats { events: number; unknown: number; orphans: number }

/** Where the store resumes: the last event applied and the ledger indexed through. */
export interface IndexerCheckpoint {
  cursor: string | null;
  ledger: number;
  gaps: { first_ledger: number; last_ledger: number }[];
}

/** What `importSnapshot` imported. */
export interface SnapshotImport { ledger: number; events: number; entities: number; sha256: string }
"#;

/// The store behind a `LightIndexer`.
enum Backend {
    Memory(MemoryStore),
    Idb(IdbStore),
}

macro_rules! on_store {
    ($backend:expr, $s:ident => $body:expr) => {
        match $backend {
            Backend::Memory($s) => $body.map_err(|e| SdkError::Store(e.to_string())),
            Backend::Idb($s) => $body.map_err(|e| SdkError::Store(e.to_string())),
        }
    };
}

/// A failure of either store, for the `Store` trait the syncer writes through.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct StoreError(String);

impl ScopedStore for Backend {
    async fn read_state<R>(
        &self,
        f: impl FnOnce(&teachlink_indexer::State) -> R,
    ) -> std::result::Result<R, StoreError> {
        match self {
            Backend::Memory(s) => s.read_state(f).await.map_err(text),
            Backend::Idb(s) => s.read_state(f).await.map_err(text),
        }
    }

    async fn apply_scoped(
        &self,
        scope: &Scope,
        entering: &Entering,
        history: Vec<Decoded>,
        page: &[Decoded],
        checkpoint: &Checkpoint,
    ) -> std::result::Result<BatchOutcome, StoreError> {
        match self {
            Backend::Memory(s) => s
                .apply_scoped(scope, entering, history, page, checkpoint)
                .await
                .map_err(text),
            Backend::Idb(s) => s
                .apply_scoped(scope, entering, history, page, checkpoint)
                .await
                .map_err(text),
        }
    }
}

impl Store for Backend {
    type Error = StoreError;

    async fn apply_batch(
        &self,
        events: &[Decoded],
        checkpoint: &Checkpoint,
    ) -> std::result::Result<BatchOutcome, StoreError> {
        match self {
            Backend::Memory(s) => s.apply_batch(events, checkpoint).await.map_err(text),
            Backend::Idb(s) => s.apply_batch(events, checkpoint).await.map_err(text),
        }
    }

    async fn cursor(&self) -> std::result::Result<Option<Checkpoint>, StoreError> {
        match self {
            Backend::Memory(s) => s.cursor().await.map_err(text),
            Backend::Idb(s) => s.cursor().await.map_err(text),
        }
    }

    async fn idle(&self) -> std::result::Result<(), StoreError> {
        match self {
            Backend::Memory(s) => s.idle().await.map_err(text),
            Backend::Idb(s) => s.idle().await.map_err(text),
        }
    }
}

fn text(e: impl std::fmt::Display) -> StoreError {
    StoreError(e.to_string())
}

/// The light indexer: sync and queries. Create with `LightIndexer.open(options)`.
#[wasm_bindgen]
pub struct LightIndexer {
    store: Rc<Backend>,
    config: SyncConfig,
    /// `None`: the full replica.
    scope: RefCell<Option<Scope>>,
    history_url: Option<String>,
    /// The last sync's status, with the counts of every sync of this indexer added up.
    status: RefCell<Status>,
}

fn out<T: Serialize + ?Sized>(v: &T) -> std::result::Result<JsValue, JsValue> {
    Ok(js::to_js(v)?)
}

fn address(v: &str, what: &'static str) -> Result<Address> {
    v.parse()
        .map_err(|_| SdkError::invalid(what, format!("{v:?} is not a G… or C… address")))
}

/// Whether this JavaScript host has IndexedDB.
fn has_indexed_db() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("indexedDB"))
        .is_ok_and(|v| !js::is_missing(&v))
}

impl LightIndexer {
    /// Runs `f` with a syncer over this indexer's store, then folds its status in.
    async fn with_syncer<R>(
        &self,
        f: impl AsyncFnOnce(
            &mut Syncer<'_, Backend, BrowserTimer>,
        ) -> std::result::Result<R, teachlink_indexer::sync::SyncError>,
    ) -> Result<R> {
        let store = self.store.clone();
        let mut syncer = Syncer::new(self.config.clone(), &*store, BrowserTimer)
            .map_err(|e| SdkError::Sync(e.to_string()))?;
        if let Some(url) = &self.history_url {
            syncer
                .set_history_url(url)
                .map_err(|e| SdkError::Sync(e.to_string()))?;
        }
        let result = f(&mut syncer).await;
        let now = syncer.status().clone();
        {
            let mut total = self.status.borrow_mut();
            let earlier = total.clone();
            *total = Status {
                events_indexed: earlier.events_indexed + now.events_indexed,
                unknown_events: earlier.unknown_events + now.unknown_events,
                duplicate_events: earlier.duplicate_events + now.duplicate_events,
                pages: earlier.pages + now.pages,
                retries: earlier.retries + now.retries,
                gap: now.gap.or(earlier.gap),
                ..now
            };
        }
        result.map_err(|e| SdkError::Sync(e.to_string()))
    }
}

#[wasm_bindgen]
impl LightIndexer {
    /// Opens the store (`database` in IndexedDB, else memory) and checks the options; no
    /// request is made until the first `step()` or `syncToHead()`.
    #[wasm_bindgen(unchecked_return_type = "LightIndexer")]
    pub async fn open(
        #[wasm_bindgen(unchecked_param_type = "LightIndexerOptions")] options: JsValue,
    ) -> std::result::Result<LightIndexer, JsValue> {
        let rpc_url = js::string(&js::get(&options, "rpcUrl"), "rpcUrl")?;
        let deployment_text = js::to_json_text(&js::get(&options, "deployment"), "deployment")?;
        let deployment: Deployment = serde_json::from_str(&deployment_text)
            .map_err(|e| SdkError::invalid("deployment", e.to_string()))?;
        if deployment.contracts.is_empty() {
            return Err(SdkError::invalid("deployment", "names no contract").into());
        }
        let mut config = SyncConfig::new(rpc_url, deployment);
        if let Some(limit) = js::opt_u32(&js::get(&options, "pageLimit"), "pageLimit")? {
            if !(1..=10_000).contains(&limit) {
                return Err(SdkError::invalid("pageLimit", "must be 1 to 10,000").into());
            }
            config.page_limit = limit;
        }
        // A few attempts per step: a dead RPC surfaces as an error the caller sees.
        config.backoff.max_attempts = Some(3);
        let scope = scope_option(&js::get(&options, "scope"))?;
        let history_url = js::opt_string(&js::get(&options, "historyUrl"), "historyUrl")?;
        let store = match js::opt_string(&js::get(&options, "database"), "database")? {
            Some(name) if has_indexed_db() => Backend::Idb(
                IdbStore::open(&name)
                    .await
                    .map_err(|e| SdkError::Store(e.to_string()))?,
            ),
            Some(_) => return Err(SdkError::Store(
                "this JavaScript host has no IndexedDB: leave out `database` to index in memory"
                    .into(),
            )
            .into()),
            None => Backend::Memory(MemoryStore::new()),
        };
        // Fail early on a deployment the syncer would refuse (an unknown contract name).
        Syncer::new(config.clone(), &store, BrowserTimer)
            .map_err(|e| SdkError::invalid("deployment", e.to_string()))?;
        Ok(LightIndexer {
            store: Rc::new(store),
            config,
            scope: RefCell::new(scope),
            history_url,
            status: RefCell::new(Status::default()),
        })
    }

    /// Whether the data persists (IndexedDB) rather than living in memory.
    #[wasm_bindgen(getter)]
    pub fn persistent(&self) -> bool {
        matches!(&*self.store, Backend::Idb(_))
    }

    /// One page of events from the RPC into the store, committed as one batch.
    #[wasm_bindgen(unchecked_return_type = "SyncStep")]
    pub async fn step(&self) -> std::result::Result<JsValue, JsValue> {
        let scope = self.scope.borrow().clone();
        let step = self
            .with_syncer(async |s| match &scope {
                Some(scope) => s.step_scoped(scope).await,
                None => s.step().await,
            })
            .await?;
        Ok(match step {
            Step::Page { events } => js::object(&[
                ("kind", JsValue::from_str("page")),
                ("events", JsValue::from(events as u32)),
            ]),
            Step::CaughtUp => js::object(&[("kind", JsValue::from_str("caught_up"))]),
        })
    }

    /// Pages until caught up with the RPC's head; the status then.
    #[wasm_bindgen(js_name = syncToHead, unchecked_return_type = "SyncStatus")]
    pub async fn sync_to_head(&self) -> std::result::Result<JsValue, JsValue> {
        let scope = self.scope.borrow().clone();
        self.with_syncer(async |s| match &scope {
            Some(scope) => s.backfill_scoped(scope).await,
            None => s.backfill().await,
        })
        .await?;
        out(&*self.status.borrow())
    }

    /// Scoped indexers: adds `address` to the scope, fetching everything of its up to the
    /// store's checkpoint (its escrows and tokens complete) before the next step follows
    /// it too. A full replica holds every account already: nothing to do.
    #[wasm_bindgen(js_name = addAccount)]
    pub async fn add_account(&self, address: String) -> std::result::Result<(), JsValue> {
        let who = self::address(&address, "address")?;
        let Some(mut scope) = self.scope.borrow().clone() else {
            return Ok(());
        };
        self.with_syncer(async |s| s.add_account(&mut scope, who).await)
            .await?;
        *self.scope.borrow_mut() = Some(scope);
        Ok(())
    }

    /// The accounts a scoped indexer follows (G… or C…); `null` for a full replica.
    #[wasm_bindgen(js_name = scopeAccounts, unchecked_return_type = "string[] | null")]
    pub fn scope_accounts(&self) -> std::result::Result<JsValue, JsValue> {
        let accounts: Option<Vec<String>> = self
            .scope
            .borrow()
            .as_ref()
            .map(|s| s.accounts.iter().map(ToString::to_string).collect());
        out(&accounts)
    }

    /// The sync's status: the last sync's position, counts over every sync of this indexer.
    #[wasm_bindgen(unchecked_return_type = "SyncStatus")]
    pub fn status(&self) -> std::result::Result<JsValue, JsValue> {
        out(&*self.status.borrow())
    }

    /// Where the store resumes; `null` before anything is indexed.
    #[wasm_bindgen(unchecked_return_type = "IndexerCheckpoint | null")]
    pub async fn checkpoint(&self) -> std::result::Result<JsValue, JsValue> {
        let checkpoint = on_store!(&*self.store, s => s.cursor().await)?;
        out(&checkpoint)
    }

    /// Imports a snapshot (a TeachLink server's `/api/snapshot`, as bytes, decompressed)
    /// into this empty store, verified first: its SHA-256 (and `sha256`, the hash it was
    /// published with, when given), `networkPassphrase`, and the deployment's contracts.
    /// Refused snapshots (`snapshot_refused`) write nothing; a store that holds data
    /// refuses (`store_error`). Syncing then continues after the snapshot.
    #[wasm_bindgen(js_name = importSnapshot, unchecked_return_type = "SnapshotImport")]
    pub async fn import_snapshot(
        &self,
        bytes: &[u8],
        #[wasm_bindgen(js_name = networkPassphrase)] network_passphrase: String,
        sha256: Option<String>,
    ) -> std::result::Result<JsValue, JsValue> {
        let snap = snapshot::decode(
            bytes,
            &Expected {
                network_passphrase: &network_passphrase,
                contracts: Some(&self.config.deployment.contracts),
                sha256: sha256.as_deref(),
            },
        )
        .map_err(|e| SdkError::Snapshot(e.to_string()))?;
        match &*self.store {
            Backend::Idb(s) => s
                .import_snapshot(&snap)
                .await
                .map_err(|e| SdkError::Store(e.to_string()))?,
            Backend::Memory(s) => {
                if s.cursor()
                    .await
                    .map_err(|e| SdkError::Store(e.to_string()))?
                    .is_some()
                {
                    return Err(SdkError::Store(
                        "a snapshot is imported only into an empty store".into(),
                    )
                    .into());
                }
                s.replace(snap.state.clone(), Some(snap.checkpoint().clone()))
                    .map_err(|e| SdkError::Store(e.to_string()))?;
            }
        }
        Ok(js::object(&[
            ("ledger", JsValue::from(snap.header.checkpoint.ledger)),
            ("events", JsValue::from(snap.header.events as f64)),
            ("entities", JsValue::from(snap.header.entities as f64)),
            ("sha256", JsValue::from_str(&snap.sha256)),
        ]))
    }

    /// Counts over the whole store.
    #[wasm_bindgen(unchecked_return_type = "StoreStats")]
    pub async fn stats(&self) -> std::result::Result<JsValue, JsValue> {
        out(&on_store!(&*self.store, s => s.stats().await)?)
    }

    /// One escrow, or `undefined`.
    #[wasm_bindgen(unchecked_return_type = "IndexedEscrow | undefined")]
    pub async fn escrow(
        &self,
        #[wasm_bindgen(unchecked_param_type = "IntegerInput")] id: JsValue,
    ) -> std::result::Result<JsValue, JsValue> {
        let id = js::u64_of(&id, "id")?;
        opt(on_store!(&*self.store, s => s.escrow(id).await)?)
    }

    /// Escrows where `address` is depositor, beneficiary, signer or arbitrator.
    #[wasm_bindgen(js_name = escrowsByParty, unchecked_return_type = "IndexedEscrow[]")]
    pub async fn escrows_by_party(&self, address: String) -> std::result::Result<JsValue, JsValue> {
        let who = self::address(&address, "address")?;
        out(&on_store!(&*self.store, s => s.escrows_by_party(&who).await)?)
    }

    /// Escrows in `status` (`Open`, `Disputed`, `Released`, `Refunded`, `Cancelled`, `Resolved`).
    #[wasm_bindgen(js_name = escrowsByStatus, unchecked_return_type = "IndexedEscrow[]")]
    pub async fn escrows_by_status(
        &self,
        #[wasm_bindgen(unchecked_param_type = "EscrowStatus")] status: String,
    ) -> std::result::Result<JsValue, JsValue> {
        let status: EscrowStatus = serde_json::from_value(serde_json::Value::String(status))
            .map_err(|e| SdkError::invalid("status", e.to_string()))?;
        out(&on_store!(&*self.store, s => s.escrows_by_status(status).await)?)
    }

    /// One content token, or `undefined`.
    #[wasm_bindgen(unchecked_return_type = "IndexedToken | undefined")]
    pub async fn token(
        &self,
        #[wasm_bindgen(unchecked_param_type = "IntegerInput")] id: JsValue,
    ) -> std::result::Result<JsValue, JsValue> {
        let id = js::u64_of(&id, "id")?;
        opt(on_store!(&*self.store, s => s.token(id).await)?)
    }

    /// Tokens `address` owns.
    #[wasm_bindgen(js_name = tokensByOwner, unchecked_return_type = "IndexedToken[]")]
    pub async fn tokens_by_owner(&self, address: String) -> std::result::Result<JsValue, JsValue> {
        let who = self::address(&address, "address")?;
        out(&on_store!(&*self.store, s => s.tokens_by_owner(&who).await)?)
    }

    /// Tokens `address` created.
    #[wasm_bindgen(js_name = tokensByCreator, unchecked_return_type = "IndexedToken[]")]
    pub async fn tokens_by_creator(
        &self,
        address: String,
    ) -> std::result::Result<JsValue, JsValue> {
        let who = self::address(&address, "address")?;
        out(&on_store!(&*self.store, s => s.tokens_by_creator(&who).await)?)
    }

    /// A learner's reputation profile, or `undefined`.
    #[wasm_bindgen(unchecked_return_type = "Profile | undefined")]
    pub async fn profile(&self, address: String) -> std::result::Result<JsValue, JsValue> {
        let who = self::address(&address, "address")?;
        opt(on_store!(&*self.store, s => s.profile(&who).await)?)
    }

    /// A learner's course completions.
    #[wasm_bindgen(js_name = completionsByLearner, unchecked_return_type = "Completion[]")]
    pub async fn completions_by_learner(
        &self,
        address: String,
    ) -> std::result::Result<JsValue, JsValue> {
        let who = self::address(&address, "address")?;
        out(&on_store!(&*self.store, s => s.completions_by_learner(&who).await)?)
    }

    /// A learner's rewards, or `undefined`.
    #[wasm_bindgen(unchecked_return_type = "LearnerRewards | undefined")]
    pub async fn rewards(&self, address: String) -> std::result::Result<JsValue, JsValue> {
        let who = self::address(&address, "address")?;
        opt(on_store!(&*self.store, s => s.rewards(&who).await)?)
    }
}

/// The `scope` option: absent or `"full"` for the full replica, else the accounts (and the
/// catalogue flag) to follow.
fn scope_option(v: &JsValue) -> Result<Option<Scope>> {
    if js::is_missing(v) || v.as_string().as_deref() == Some("full") {
        return Ok(None);
    }
    if v.as_string().is_some() {
        return Err(SdkError::invalid(
            "scope",
            "must be \"full\" or { accounts: string[], catalogue?: boolean }",
        ));
    }
    let text = js::to_json_text(v, "scope")?;
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Options {
        accounts: Vec<String>,
        #[serde(default)]
        catalogue: bool,
    }
    let o: Options =
        serde_json::from_str(&text).map_err(|e| SdkError::invalid("scope", e.to_string()))?;
    if o.accounts.is_empty() && !o.catalogue {
        return Err(SdkError::invalid(
            "scope",
            "names no account and no catalogue: nothing to sync",
        ));
    }
    let accounts = o
        .accounts
        .iter()
        .map(|a| address(a, "scope"))
        .collect::<Result<_>>()?;
    Ok(Some(Scope {
        accounts,
        catalogue: o.catalogue,
    }))
}

/// `undefined` for `None`, else the value's JSON form.
fn opt<T: Serialize>(v: Option<T>) -> std::result::Result<JsValue, JsValue> {
    match v {
        Some(v) => out(&v),
        None => Ok(JsValue::UNDEFINED),
    }
}
