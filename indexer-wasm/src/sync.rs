//! Owns synchronisation with a Stellar RPC: paging `getEvents` filtered to the TeachLink
//! contracts, committing each page with its cursor in one atomic store write, backfilling
//! from the deployment's start ledger, following the head, retrying RPC failures with
//! exponential backoff, detecting the retention gap, and reporting progress as [`Status`].
//!
//! Time is abstract ([`Timer`]): tokio natively ([`TokioTimer`]), the browser's timers in
//! wasm, a fake clock in tests.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::decode::{ContractKind, Decoded, Decoder, RawEvent};
use crate::http::HttpClient;
use crate::scope::{self, Contracts, Entering, EventFilter, Following, Scope};
use crate::store::{Checkpoint, Gap, ScopedStore, Store};
use crate::types::{Address, EventId};

/// A clock and a sleep. No `Send` bound: the browser's timers are not `Send`.
#[allow(async_fn_in_trait)]
pub trait Timer {
    /// Milliseconds on a monotonic clock (any origin); used for events/s.
    fn now_ms(&self) -> f64;
    async fn sleep(&self, duration: Duration);
}

/// The native timer, on the tokio runtime the caller runs.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Clone, Debug)]
pub struct TokioTimer {
    origin: std::time::Instant,
}

#[cfg(not(target_arch = "wasm32"))]
impl Default for TokioTimer {
    fn default() -> Self {
        TokioTimer {
            origin: std::time::Instant::now(),
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl Timer for TokioTimer {
    fn now_ms(&self) -> f64 {
        self.origin.elapsed().as_secs_f64() * 1_000.0
    }
    async fn sleep(&self, duration: Duration) {
        tokio::time::sleep(duration).await;
    }
}

/// The browser timer: `setTimeout` and `performance.now()` looked up on the global object,
/// so it works in a window and in a worker alike.
#[cfg(target_arch = "wasm32")]
#[derive(Clone, Copy, Debug, Default)]
pub struct BrowserTimer;

#[cfg(target_arch = "wasm32")]
impl Timer for BrowserTimer {
    fn now_ms(&self) -> f64 {
        use wasm_bindgen::JsCast;
        let global = js_sys::global();
        js_sys::Reflect::get(&global, &"performance".into())
            .ok()
            .and_then(|perf| {
                let now = js_sys::Reflect::get(&perf, &"now".into()).ok()?;
                now.dyn_into::<js_sys::Function>().ok()?.call0(&perf).ok()
            })
            .and_then(|v| v.as_f64())
            .unwrap_or_else(js_sys::Date::now)
    }

    async fn sleep(&self, duration: Duration) {
        use wasm_bindgen::JsCast;
        let ms = duration.as_millis().min(i32::MAX as u128) as f64;
        let promise = js_sys::Promise::new(&mut |resolve, _reject| {
            let global = js_sys::global();
            let set_timeout = js_sys::Reflect::get(&global, &"setTimeout".into())
                .ok()
                .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
            match set_timeout {
                Some(f) => {
                    let _ = f.call2(&global, &resolve, &ms.into());
                }
                // No timers (an odd host): do not wait rather than hang forever.
                None => {
                    let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
                }
            }
        });
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }
}

/// Where the TeachLink contracts live: the shape of localnet's `--deployment-file` (extra
/// fields ignored), so the same file configures the indexer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deployment {
    /// Contract ids (C…) by contract name (`escrow`, `content`, `reputation`, `rewards`,
    /// and optionally `bridge`).
    pub contracts: BTreeMap<String, String>,
    /// The ledger of the first deployment transaction: where indexing starts.
    pub start_ledger: u32,
}

/// Retries of failed RPC calls: `initial`, doubling up to `max`; `max_attempts` consecutive
/// failures (None: forever) end the sync with the error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    pub initial: Duration,
    pub max: Duration,
    pub max_attempts: Option<u32>,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            initial: Duration::from_millis(250),
            max: Duration::from_secs(30),
            max_attempts: None,
        }
    }
}

impl Backoff {
    /// The wait before retry number `attempt` (from 1). No jitter: each browser tab syncs
    /// on its own schedule already, and tests stay deterministic.
    pub fn delay(&self, attempt: u32) -> Duration {
        let factor = 1u32
            .checked_shl(attempt.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.initial.saturating_mul(factor).min(self.max)
    }
}

/// What to do when the ledgers still to index have left the RPC's retention window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GapPolicy {
    /// Record the gap in the store and the status, then continue from the oldest ledger
    /// the RPC has: the app shows the data as incomplete.
    RecordAndContinue,
    /// Record the gap in the status and stop with [`SyncError::Gap`].
    Stop,
}

/// How to sync.
#[derive(Clone, Debug)]
pub struct SyncConfig {
    pub rpc_url: String,
    pub deployment: Deployment,
    /// Events per `getEvents` page (stellar-rpc allows up to 10,000).
    pub page_limit: u32,
    pub backoff: Backoff,
    /// How long to wait for new ledgers once caught up.
    pub poll_interval: Duration,
    pub gap_policy: GapPolicy,
}

impl SyncConfig {
    pub fn new(rpc_url: impl Into<String>, deployment: Deployment) -> Self {
        SyncConfig {
            rpc_url: rpc_url.into(),
            deployment,
            page_limit: 1_000,
            backoff: Backoff::default(),
            poll_interval: Duration::from_secs(5),
            gap_policy: GapPolicy::RecordAndContinue,
        }
    }
}

/// A failed RPC call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RpcError {
    #[error("network: {0}")]
    Transport(String),
    #[error("HTTP status {0}")]
    Http(u16),
    #[error("JSON-RPC error {code}: {message}")]
    Rpc { code: i64, message: String },
    #[error("malformed response: {0}")]
    Malformed(String),
}

/// The `result` of a JSON-RPC 2.0 response, or its `error` as [`RpcError::Rpc`] (shared
/// with the SDK's client, which has a transport of its own).
pub fn json_rpc_result(mut response: Value) -> Result<Value, RpcError> {
    if let Some(err) = response.get("error") {
        return Err(RpcError::Rpc {
            code: err.get("code").and_then(Value::as_i64).unwrap_or(0),
            message: err
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
        });
    }
    response
        .get_mut("result")
        .map(Value::take)
        .ok_or_else(|| RpcError::Malformed("no result".into()))
}

impl RpcError {
    /// Whether trying again may help: network trouble, overload, server-side errors.
    pub fn is_retryable(&self) -> bool {
        match self {
            RpcError::Transport(_) | RpcError::Malformed(_) => true,
            RpcError::Http(s) => *s == 429 || *s >= 500,
            // Internal error; request errors are not retried.
            RpcError::Rpc { code, .. } => *code == -32603,
        }
    }
}

/// Why a sync stopped.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("invalid configuration: {0}")]
    Config(String),
    #[error("RPC failed after {attempts} attempts: {error}")]
    Rpc { attempts: u32, error: RpcError },
    #[error("ledgers {} to {} left the RPC's retention window before they were indexed", .0.first_ledger, .0.last_ledger)]
    Gap(Gap),
    #[error("store: {0}")]
    Store(#[source] Box<dyn std::error::Error + 'static>),
}

/// Progress for the app's progress bar; also the last error and any gap.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Status {
    /// Every ledger up to this one is indexed.
    pub indexed_ledger: u32,
    /// The RPC's newest and oldest ledgers, as last reported.
    pub latest_ledger: u32,
    pub oldest_ledger: u32,
    pub ledgers_behind: u32,
    pub caught_up: bool,
    /// New events applied by this syncer (decoded or kept raw).
    pub events_indexed: u64,
    /// Of those, events kept raw because they did not decode.
    pub unknown_events: u64,
    /// Events seen again (a replay); they change nothing.
    pub duplicate_events: u64,
    /// New events per second since this syncer started.
    pub events_per_second: f64,
    pub pages: u64,
    pub retries: u64,
    pub consecutive_failures: u32,
    pub last_error: Option<String>,
    /// The latest retention gap met (all of them are in the store's checkpoint).
    pub gap: Option<Gap>,
    /// Scoped sync: ledgers the endpoint the histories of entering escrows and tokens came
    /// from no longer holds (set a history URL: the server's archive keeps them).
    pub history_gap: Option<Gap>,
}

/// What one step did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// A page was committed; more may be waiting.
    Page { events: usize },
    /// Nothing newer than the head: wait for the next ledger.
    CaughtUp,
}

/// A minimal Stellar RPC JSON-RPC client (the two calls the indexer needs).
#[derive(Clone, Debug)]
pub struct RpcClient {
    http: HttpClient,
    url: String,
}

/// The ledger window an RPC serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    pub latest_ledger: u32,
    pub oldest_ledger: u32,
}

/// What `getNetwork` says: the network an RPC serves.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkInfo {
    pub passphrase: String,
    #[serde(default)]
    pub protocol_version: Option<u32>,
}

/// One `getEvents` page.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventsPage {
    pub events: Vec<RawEvent>,
    #[serde(default)]
    pub cursor: Option<String>,
    pub latest_ledger: u32,
    #[serde(default)]
    pub oldest_ledger: Option<u32>,
}

/// Where a `getEvents` request starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    Ledger(u32),
    After(EventId),
}

impl RpcClient {
    pub fn new(url: impl Into<String>) -> Result<Self, RpcError> {
        Ok(RpcClient {
            http: HttpClient::new()?,
            url: url.into(),
        })
    }

    async fn call<T: serde::de::DeserializeOwned>(
        &self,
        method: &str,
        params: Value,
    ) -> Result<T, RpcError> {
        let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
        let v = self.http.post_json(&self.url, &body).await?;
        serde_json::from_value(json_rpc_result(v)?).map_err(|e| RpcError::Malformed(e.to_string()))
    }

    pub async fn get_health(&self) -> Result<Health, RpcError> {
        self.call("getHealth", json!({})).await
    }

    /// The network the RPC serves (its passphrase), to refuse another network's.
    pub async fn get_network(&self) -> Result<NetworkInfo, RpcError> {
        self.call("getNetwork", json!({})).await
    }

    /// The URL this client calls.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// One page of the events matching any of `filters` (at most 5, each within the RPC's
    /// limits: [`crate::scope::requests`] splits longer lists), from `from`; `end_ledger`
    /// (exclusive) bounds a request that starts at a ledger (stellar-rpc refuses it with a
    /// cursor).
    pub async fn get_events_filtered(
        &self,
        filters: &[EventFilter],
        from: Start,
        end_ledger: Option<u32>,
        limit: u32,
    ) -> Result<EventsPage, RpcError> {
        let filters: Vec<Value> = filters.iter().map(EventFilter::to_json).collect();
        let params = match from {
            Start::Ledger(l) => {
                let mut p = json!({
                    "startLedger": l,
                    "filters": filters,
                    "pagination": { "limit": limit },
                });
                if let Some(end) = end_ledger {
                    p["endLedger"] = json!(end);
                }
                p
            }
            Start::After(c) => json!({
                "filters": filters,
                "pagination": { "cursor": c.to_string(), "limit": limit },
            }),
        };
        self.call("getEvents", params).await
    }

    /// One page of contract events of `contract_ids` (at most 5, the RPC's limit).
    pub async fn get_events(
        &self,
        contract_ids: &[String],
        from: Start,
        limit: u32,
    ) -> Result<EventsPage, RpcError> {
        let filters = json!([{ "type": "contract", "contractIds": contract_ids }]);
        let params = match from {
            Start::Ledger(l) => json!({
                "startLedger": l,
                "filters": filters,
                "pagination": { "limit": limit },
            }),
            Start::After(c) => json!({
                "filters": filters,
                "pagination": { "cursor": c.to_string(), "limit": limit },
            }),
        };
        self.call("getEvents", params).await
    }
}

/// Checks one `getEvents` page against the paging contract before anything of it is
/// stored: event ids parse, rise strictly, lie after where the request started and no later
/// than the page's `latestLedger`; the page cursor does not go back and does not point past
/// the end of `latestLedger`. Returns where the next page starts (the page cursor, or for
/// older RPCs without one the last event's id; `None` for an empty page without a cursor).
pub fn validate_page(page: &EventsPage, from: Start) -> Result<Option<EventId>, RpcError> {
    let bad = |what: String| Err(RpcError::Malformed(what));
    let mut previous: Option<EventId> = None;
    for event in &page.events {
        let id = event
            .id
            .parse::<EventId>()
            .map_err(|e| RpcError::Malformed(format!("event id: {e}")))?;
        if previous.is_some_and(|p| id <= p) {
            return bad(format!("event ids not in ascending order at {id}"));
        }
        let after_start = match from {
            Start::After(c) => id > c,
            Start::Ledger(l) => id.ledger() >= l,
        };
        if !after_start {
            return bad(format!("event {id} is not after the requested start"));
        }
        if id.ledger() > page.latest_ledger || event.ledger != id.ledger() {
            return bad(format!(
                "event {id} is not in a closed ledger (ledger {}, latest {})",
                event.ledger, page.latest_ledger
            ));
        }
        previous = Some(id);
    }
    let next = match page.cursor.as_deref().filter(|c| !c.is_empty()) {
        Some(c) => c
            .parse::<EventId>()
            .map_err(|e| RpcError::Malformed(format!("cursor: {e}")))?,
        None => return Ok(previous),
    };
    if previous.is_some_and(|p| next < p) {
        return bad(format!("cursor {next} is before the page's last event"));
    }
    if let Start::After(c) = from {
        if next < c {
            return bad(format!("cursor {next} goes back before the request's {c}"));
        }
    }
    if next > EventId::end_of_ledger(page.latest_ledger) {
        return bad(format!(
            "cursor {next} is beyond the latest ledger {}",
            page.latest_ledger
        ));
    }
    Ok(Some(next))
}

/// Syncs one deployment into one store.
pub struct Syncer<'s, S: Store, T: Timer> {
    rpc: RpcClient,
    store: &'s S,
    timer: T,
    config: SyncConfig,
    contract_ids: Vec<String>,
    /// The contracts by kind, for a scope's filters.
    contracts: Contracts,
    /// Where a scoped sync fetches the histories of escrows and tokens entering its scope
    /// (the server's archive, which keeps what the RPC's retention window dropped); the RPC
    /// when `None`.
    history: Option<RpcClient>,
    decoder: Decoder,
    status: Status,
    health: Option<Health>,
    started_ms: Option<f64>,
}

impl<'s, S: Store, T: Timer> Syncer<'s, S, T> {
    pub fn new(config: SyncConfig, store: &'s S, timer: T) -> Result<Self, SyncError> {
        let mut kinds = Vec::new();
        for (name, id) in &config.deployment.contracts {
            let address: Address = id
                .parse()
                .map_err(|_| SyncError::Config(format!("contract {name}: invalid id {id:?}")))?;
            // Contracts this version does not know (e.g. a newer deployment's) are still
            // fetched; their events are kept raw as unknown.
            if let Some(kind) = ContractKind::from_name(name) {
                kinds.push((address, kind));
            }
        }
        let contract_ids: Vec<String> = config.deployment.contracts.values().cloned().collect();
        if contract_ids.is_empty() || contract_ids.len() > 5 {
            return Err(SyncError::Config(
                "between 1 and 5 contract ids are needed (one getEvents filter)".into(),
            ));
        }
        if config.deployment.start_ledger == 0 {
            return Err(SyncError::Config("start ledger must be positive".into()));
        }
        let rpc = RpcClient::new(config.rpc_url.clone())
            .map_err(|error| SyncError::Rpc { attempts: 0, error })?;
        // Always by contract id when any contract is known: event names are unique per
        // contract only (`funded` is a rewards and a bridge event), and the events of the
        // unknown contracts are then kept raw (`ForeignContract`), as promised above.
        let contracts = Contracts::new(&kinds);
        let decoder = if kinds.is_empty() {
            Decoder::new()
        } else {
            Decoder::with_contracts(kinds)
        };
        Ok(Syncer {
            rpc,
            store,
            timer,
            config,
            contract_ids,
            contracts,
            history: None,
            decoder,
            status: Status::default(),
            health: None,
            started_ms: None,
        })
    }

    /// Points the syncer at another RPC endpoint (failover): later calls go there and the
    /// ledger window is learnt again. The caller checks first that it serves the same
    /// network; the checkpoint, in the store, is where syncing resumes.
    pub fn set_rpc_url(&mut self, url: &str) -> Result<(), SyncError> {
        self.rpc = RpcClient::new(url).map_err(|error| SyncError::Rpc { attempts: 0, error })?;
        self.config.rpc_url = url.to_string();
        self.health = None;
        Ok(())
    }

    /// The RPC endpoint in use.
    pub fn rpc_url(&self) -> &str {
        &self.config.rpc_url
    }

    /// Progress so far.
    pub fn status(&self) -> &Status {
        &self.status
    }

    /// Pages until caught up with the RPC's head.
    pub async fn backfill(&mut self) -> Result<(), SyncError> {
        while let Step::Page { .. } = self.step().await? {}
        Ok(())
    }

    /// Backfills, then follows the head, polling every `poll_interval`, for as long as
    /// `keep_going` says so (checked after each step; it sees the status).
    pub async fn follow(
        &mut self,
        mut keep_going: impl FnMut(&Status) -> bool,
    ) -> Result<(), SyncError> {
        loop {
            let step = self.step().await?;
            if !keep_going(&self.status) {
                return Ok(());
            }
            if step == Step::CaughtUp {
                self.store
                    .idle()
                    .await
                    .map_err(|e| SyncError::Store(Box::new(e)))?;
                self.timer.sleep(self.config.poll_interval).await;
            }
        }
    }

    /// Fetches, decodes and commits one page (with retries); detects and handles a gap.
    pub async fn step(&mut self) -> Result<Step, SyncError> {
        let (checkpoint, needed) = self.begin_step().await?;
        let latest = self.health.map_or(0, |h| h.latest_ledger);
        if needed > latest && checkpoint.cursor.is_none() {
            // Nothing closed yet past where we stand; refresh the head for next time.
            self.refresh_health().await?;
            return Ok(self.caught_up(&checkpoint));
        }
        let (oldest, from) = self.next_start(&checkpoint, needed);
        let ids = self.contract_ids.clone();
        let limit = self.config.page_limit;
        // A page that breaks the paging contract is refused like a failed call (retried,
        // then failed over by the caller): stored as-is it would hide the damage behind
        // the checkpoint.
        let (page, next) = match self
            .retrying(|rpc| {
                let ids = ids.clone();
                async move {
                    let page = rpc.get_events(&ids, from, limit).await?;
                    let next = validate_page(&page, from)?;
                    Ok((page, next))
                }
            })
            .await
        {
            Ok(page) => page,
            Err(SyncError::Rpc {
                error: RpcError::Rpc { code, message },
                attempts,
            }) => {
                // A range refusal: the window moved under us. Learn it and re-check the
                // gap on the next step; anything else is a real error.
                let h = self.refresh_health().await?;
                let cursor_pruned = checkpoint
                    .cursor
                    .is_some_and(|c| c.ledger() < h.oldest_ledger);
                if needed < h.oldest_ledger || cursor_pruned {
                    self.close_gap(checkpoint).await?;
                    return Ok(Step::Page { events: 0 });
                }
                return Err(SyncError::Rpc {
                    attempts,
                    error: RpcError::Rpc { code, message },
                });
            }
            Err(e) => return Err(e),
        };
        self.observe(Health {
            latest_ledger: page.latest_ledger,
            oldest_ledger: page.oldest_ledger.unwrap_or(oldest),
        });
        let count = page.events.len();
        let Some(next) = next else {
            return Ok(self.caught_up(&checkpoint));
        };
        // A store that archives the events as received gets a copy of them.
        let raw: Vec<RawEvent> = if self.store.keeps_raw() {
            page.events.clone()
        } else {
            Vec::new()
        };
        let decoded: Vec<Decoded> = page
            .events
            .into_iter()
            .map(|raw| self.decoder.decode(raw))
            .collect();
        let covered = next
            .covered_through()
            .min(page.latest_ledger)
            .max(checkpoint.ledger);
        let committed = Checkpoint {
            cursor: Some(next),
            ledger: covered,
            gaps: checkpoint.gaps.clone(),
        };
        if decoded.is_empty() && committed == checkpoint {
            // Polling at the head: nothing new, so no write.
            return Ok(self.caught_up(&committed));
        }
        let outcome = if self.store.keeps_raw() {
            self.store.apply_batch_raw(&raw, &decoded, &committed).await
        } else {
            self.store.apply_batch(&decoded, &committed).await
        }
        .map_err(|e| SyncError::Store(Box::new(e)))?;
        self.status.pages += 1;
        self.status.events_indexed += outcome.new as u64;
        self.status.unknown_events += outcome.unknown as u64;
        self.status.duplicate_events += outcome.duplicates as u64;
        self.update_progress(committed.ledger);
        if count < limit as usize && committed.ledger >= page.latest_ledger {
            return Ok(self.caught_up(&committed));
        }
        self.status.caught_up = false;
        Ok(Step::Page { events: count })
    }

    /// What every step does first: the checkpoint, the RPC's window if not known yet, any
    /// gap recorded and stepped over; returns the checkpoint and the first ledger it lacks.
    async fn begin_step(&mut self) -> Result<(Checkpoint, u32), SyncError> {
        if self.started_ms.is_none() {
            self.started_ms = Some(self.timer.now_ms());
        }
        let checkpoint = self.checkpoint().await?;
        if self.health.is_none() {
            self.refresh_health().await?;
        }
        let checkpoint = self.close_gap(checkpoint).await?;
        let needed = checkpoint.ledger.saturating_add(1);
        Ok((checkpoint, needed))
    }

    /// Where the next page starts, with the RPC's oldest ledger it was judged against: after
    /// the checkpoint's cursor, or at `needed`. A cursor in a ledger the RPC pruned is
    /// refused even when every later ledger is still served (the cursor ended that ledger):
    /// the page restarts from the next ledger then.
    fn next_start(&self, checkpoint: &Checkpoint, needed: u32) -> (u32, Start) {
        let oldest = self.health.map_or(0, |h| h.oldest_ledger);
        let from = match checkpoint.cursor {
            Some(c) if c.ledger() >= oldest => Start::After(c),
            _ => Start::Ledger(needed),
        };
        (oldest, from)
    }

    /// Re-reads the RPC's ledger window (retried) and records it.
    async fn refresh_health(&mut self) -> Result<Health, SyncError> {
        let h = self
            .retrying(|rpc| async move { rpc.get_health().await })
            .await?;
        self.observe(h);
        Ok(h)
    }

    async fn checkpoint(&self) -> Result<Checkpoint, SyncError> {
        Ok(self
            .store
            .cursor()
            .await
            .map_err(|e| SyncError::Store(Box::new(e)))?
            .unwrap_or_else(|| Checkpoint {
                cursor: None,
                ledger: self.config.deployment.start_ledger - 1,
                gaps: Vec::new(),
            }))
    }

    /// If the next ledger to index is older than the RPC's oldest, records the gap (in the
    /// status always, in the store under `RecordAndContinue`) and moves past it.
    async fn close_gap(&mut self, checkpoint: Checkpoint) -> Result<Checkpoint, SyncError> {
        let Some(h) = self.health else {
            return Ok(checkpoint);
        };
        let needed = checkpoint.ledger.saturating_add(1);
        if needed >= h.oldest_ledger {
            return Ok(checkpoint);
        }
        let gap = Gap {
            first_ledger: needed,
            last_ledger: h.oldest_ledger - 1,
        };
        self.status.gap = Some(gap);
        self.status.last_error = Some(SyncError::Gap(gap).to_string());
        if self.config.gap_policy == GapPolicy::Stop {
            return Err(SyncError::Gap(gap));
        }
        let mut gaps = checkpoint.gaps;
        gaps.push(gap);
        let moved = Checkpoint {
            cursor: None,
            ledger: gap.last_ledger,
            gaps,
        };
        // Committed on its own, so the gap is on record even if nothing follows.
        self.store
            .apply_batch(&[], &moved)
            .await
            .map_err(|e| SyncError::Store(Box::new(e)))?;
        self.update_progress(moved.ledger);
        Ok(moved)
    }

    /// Runs an RPC call until it succeeds, retrying retryable failures with backoff.
    async fn retrying<R, F, Fut>(&mut self, mut call: F) -> Result<R, SyncError>
    where
        F: FnMut(RpcClient) -> Fut,
        Fut: std::future::Future<Output = Result<R, RpcError>>,
    {
        let mut attempt = 0u32;
        loop {
            match call(self.rpc.clone()).await {
                Ok(r) => {
                    self.status.consecutive_failures = 0;
                    return Ok(r);
                }
                Err(error) => {
                    attempt += 1;
                    self.status.consecutive_failures = attempt;
                    self.status.last_error = Some(error.to_string());
                    let exhausted = self
                        .config
                        .backoff
                        .max_attempts
                        .is_some_and(|max| attempt >= max);
                    if !error.is_retryable() || exhausted {
                        return Err(SyncError::Rpc {
                            attempts: attempt,
                            error,
                        });
                    }
                    self.status.retries += 1;
                    self.timer.sleep(self.config.backoff.delay(attempt)).await;
                }
            }
        }
    }

    fn observe(&mut self, h: Health) {
        self.health = Some(h);
        self.status.latest_ledger = h.latest_ledger;
        self.status.oldest_ledger = h.oldest_ledger;
        self.status.ledgers_behind = h.latest_ledger.saturating_sub(self.status.indexed_ledger);
    }

    fn update_progress(&mut self, indexed: u32) {
        self.status.indexed_ledger = indexed;
        self.status.ledgers_behind = self.status.latest_ledger.saturating_sub(indexed);
        let elapsed_ms = self.timer.now_ms() - self.started_ms.unwrap_or(0.0);
        if elapsed_ms > 0.0 {
            self.status.events_per_second =
                self.status.events_indexed as f64 * 1_000.0 / elapsed_ms;
        }
    }

    fn caught_up(&mut self, checkpoint: &Checkpoint) -> Step {
        self.update_progress(checkpoint.ledger);
        self.status.caught_up = self.status.ledgers_behind == 0;
        Step::CaughtUp
    }
}

/// Scoped sync ([`crate::scope`]): the same paging, checkpoint, retries and gap handling
/// as [`Syncer::step`], through the scope's filters instead of whole contracts.
impl<'s, S: ScopedStore, T: Timer> Syncer<'s, S, T> {
    /// Fetches the histories of escrows and tokens entering a scope from `url` (the
    /// server's archive, `POST /rpc`) rather than from the RPC.
    pub fn set_history_url(&mut self, url: &str) -> Result<(), SyncError> {
        self.history =
            Some(RpcClient::new(url).map_err(|error| SyncError::Rpc { attempts: 0, error })?);
        Ok(())
    }

    /// Pages until caught up, following `scope`.
    pub async fn backfill_scoped(&mut self, scope: &Scope) -> Result<(), SyncError> {
        while let Step::Page { .. } = self.step_scoped(scope).await? {}
        Ok(())
    }

    /// [`Syncer::follow`] for a scope.
    pub async fn follow_scoped(
        &mut self,
        scope: &Scope,
        mut keep_going: impl FnMut(&Status) -> bool,
    ) -> Result<(), SyncError> {
        loop {
            let step = self.step_scoped(scope).await?;
            if !keep_going(&self.status) {
                return Ok(());
            }
            if step == Step::CaughtUp {
                self.store
                    .idle()
                    .await
                    .map_err(|e| SyncError::Store(Box::new(e)))?;
                self.timer.sleep(self.config.poll_interval).await;
            }
        }
    }

    async fn state<R>(&self, f: impl FnOnce(&crate::State) -> R) -> Result<R, SyncError> {
        self.store
            .read_state(f)
            .await
            .map_err(|e| SyncError::Store(Box::new(e)))
    }

    /// One page of `filters` from `from` (with retries; validated).
    async fn filtered_page(
        &mut self,
        history: bool,
        filters: Vec<EventFilter>,
        from: Start,
        end_ledger: Option<u32>,
    ) -> Result<(EventsPage, Option<EventId>), SyncError> {
        let limit = self.config.page_limit;
        let client = if history { self.history.clone() } else { None };
        self.retrying(|rpc| {
            let filters = filters.clone();
            let rpc = client.clone().unwrap_or(rpc);
            async move {
                let page = rpc
                    .get_events_filtered(&filters, from, end_ledger, limit)
                    .await?;
                let next = validate_page(&page, from)?;
                Ok((page, next))
            }
        })
        .await
    }

    /// Every event matching `filters` from `from_ledger` through `through` (inclusive),
    /// decoded, from the history endpoint.
    async fn fetch_through(
        &mut self,
        filters: &[EventFilter],
        from_ledger: u32,
        through: EventId,
    ) -> Result<Vec<Decoded>, SyncError> {
        let mut out = Vec::new();
        for request in scope::requests(filters) {
            let mut from = Start::Ledger(from_ledger);
            loop {
                let end = match from {
                    Start::Ledger(_) => Some(through.ledger().saturating_add(1)),
                    Start::After(_) => None,
                };
                let (page, next) = self.filtered_page(true, request.clone(), from, end).await?;
                for raw in page.events {
                    if raw.id.parse::<EventId>().is_ok_and(|id| id <= through) {
                        out.push(self.decoder.decode(raw));
                    }
                }
                // A full page, or a scan that stopped short (stellar-rpc scans a bounded
                // number of ledgers per request): go on from its cursor.
                match next {
                    Some(n) if n < through && from != Start::After(n) => from = Start::After(n),
                    _ => break,
                }
            }
        }
        Ok(out)
    }

    /// Brings `account` into `scope`: fetches what names it through the store's checkpoint
    /// and the complete histories of the escrows and tokens that brings in, and projects
    /// them in one batch (the checkpoint does not move).
    pub async fn add_account(
        &mut self,
        scope: &mut Scope,
        account: crate::Address,
    ) -> Result<(), SyncError> {
        if scope.accounts.contains(&account) {
            return Ok(());
        }
        let checkpoint = self.checkpoint().await?;
        let alone = Scope {
            accounts: [account].into(),
            catalogue: scope.catalogue,
        };
        let mut entering = Entering::default();
        let mut history = Vec::new();
        if let Some(through) = checkpoint.cursor {
            let from = self.history_start().await?;
            let filters = alone
                .account_filters(&self.contracts)
                .map_err(|e| SyncError::Config(e.to_string()))?;
            let own: Vec<Decoded> = self
                .fetch_through(&filters, from, through)
                .await?
                .into_iter()
                .filter(|d| match d {
                    Decoded::Event(e) => alone.names(&e.body),
                    Decoded::Unknown(..) => false,
                })
                .collect();
            entering = self.state(|s| alone.entering(s, &own)).await?;
            let filters = alone
                .history_filters(&self.contracts, &entering)
                .map_err(|e| SyncError::Config(e.to_string()))?;
            history = own;
            history.extend(self.fetch_through(&filters, from, through).await?);
        }
        entering.accounts.insert(account);
        let mut widened = scope.clone();
        widened.accounts.insert(account);
        let committed = checkpoint.clone();
        self.store
            .apply_scoped(&widened, &entering, history, &[], &committed)
            .await
            .map_err(|e| SyncError::Store(Box::new(e)))?;
        *scope = widened;
        Ok(())
    }

    /// The first ledger histories are fetched from: the deployment's start, or the oldest
    /// the history endpoint holds.
    async fn history_start(&mut self) -> Result<u32, SyncError> {
        let start = self.config.deployment.start_ledger;
        let client = self.history.clone();
        let h = self
            .retrying(|rpc| {
                let rpc = client.clone().unwrap_or(rpc);
                async move { rpc.get_health().await }
            })
            .await?;
        if h.oldest_ledger > start {
            // Entities entering the scope may have events older than this endpoint keeps:
            // said in the status, never skipped in silence (an archive holds them).
            self.status.history_gap = Some(Gap {
                first_ledger: start,
                last_ledger: h.oldest_ledger - 1,
            });
        }
        Ok(start.max(h.oldest_ledger))
    }

    /// [`Syncer::step`] for a scope: one page of the scope's head filters (several
    /// requests when they are more than 5, merged up to where all of them reach), the
    /// events the scope keeps, and the complete histories of the escrows and tokens they
    /// bring into it, committed in one scoped batch with the checkpoint.
    pub async fn step_scoped(&mut self, scope: &Scope) -> Result<Step, SyncError> {
        let (checkpoint, needed) = self.begin_step().await?;
        let latest = self.health.map_or(0, |h| h.latest_ledger);
        if needed > latest {
            let h = self.refresh_health().await?;
            if needed > h.latest_ledger {
                return Ok(self.caught_up(&checkpoint));
            }
        }
        let (oldest, from) = self.next_start(&checkpoint, needed);
        let following = self.state(|s| Following::of(scope, s)).await?;
        let filters = scope
            .head_filters(&self.contracts, &following)
            .map_err(|e| SyncError::Config(e.to_string()))?;
        let limit = self.config.page_limit as usize;
        let mut through: Option<EventId> = None;
        let mut raw = Vec::new();
        let mut more = false;
        for request in scope::requests(&filters) {
            let (page, next) = self.filtered_page(false, request, from, None).await?;
            self.observe(Health {
                latest_ledger: page.latest_ledger,
                oldest_ledger: page.oldest_ledger.unwrap_or(oldest),
            });
            let full = page.events.len() >= limit;
            more |= full;
            let reach = if full {
                page.events
                    .last()
                    .and_then(|e| e.id.parse::<EventId>().ok())
            } else {
                next
            };
            let Some(reach) = reach else { continue };
            through = Some(through.map_or(reach, |t: EventId| t.min(reach)));
            raw.extend(page.events);
        }
        let Some(through) = through else {
            return Ok(self.caught_up(&checkpoint));
        };
        // Several requests overlap (an event can match two of them) and reach different
        // points: keep each event once, in chain order, up to where all of them reached.
        raw.retain(|e| e.id.parse::<EventId>().is_ok_and(|id| id <= through));
        raw.sort_by_key(|e| e.id.parse::<EventId>().unwrap_or_default());
        raw.dedup_by(|a, b| a.id == b.id);
        let count = raw.len();
        let decoded: Vec<Decoded> = raw.into_iter().map(|r| self.decoder.decode(r)).collect();
        let none = Entering::default();
        let (page, entering) = self
            .state(|s| {
                let page: Vec<Decoded> = decoded
                    .into_iter()
                    .filter(|d| scope.wants(d, s, &none))
                    .collect();
                let entering = scope.entering(s, &page);
                (page, entering)
            })
            .await?;
        let history = if entering.is_empty() {
            Vec::new()
        } else {
            let filters = scope
                .history_filters(&self.contracts, &entering)
                .map_err(|e| SyncError::Config(e.to_string()))?;
            let from = self.history_start().await?;
            self.fetch_through(&filters, from, through).await?
        };
        let latest = self.health.map_or(0, |h| h.latest_ledger);
        let covered = through.covered_through().min(latest).max(checkpoint.ledger);
        let committed = Checkpoint {
            cursor: Some(through),
            ledger: covered,
            gaps: checkpoint.gaps.clone(),
        };
        if page.is_empty() && committed == checkpoint {
            return Ok(self.caught_up(&committed));
        }
        let outcome = self
            .store
            .apply_scoped(scope, &entering, history, &page, &committed)
            .await
            .map_err(|e| SyncError::Store(Box::new(e)))?;
        self.status.pages += 1;
        self.status.events_indexed += outcome.new as u64;
        self.status.unknown_events += outcome.unknown as u64;
        self.status.duplicate_events += outcome.duplicates as u64;
        self.update_progress(committed.ledger);
        if !more && committed.ledger >= latest {
            return Ok(self.caught_up(&committed));
        }
        self.status.caught_up = false;
        Ok(Step::Page { events: count })
    }
}
