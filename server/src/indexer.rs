//! Owns indexing: who indexes ([`supervise`]: only the replica holding the database's
//! indexing lock runs the sync loop; the others, and `--read-only` ones, serve reads and
//! retry taking the lock every `lock_retry`), and the sync loop itself ([`run`]): the
//! indexer's [`Syncer`] backfilling then following the RPC, publishing its progress
//! ([`IndexerSnapshot`]) for /health, /metrics and /api/status, logging backfill progress,
//! retrying failed steps with backoff, checking before each step that the lock is still
//! held, and stopping on shutdown only between batches (a batch in flight always commits).
//!
//! Both run on a thread of their own ([`spawn`]) with a current-thread runtime: the
//! indexer's `Syncer` futures are not `Send` (the browser runs the same code), so they
//! cannot run on the HTTP runtime. On SQLite the thread shares the HTTP side's store (its
//! connections are threads of their own, tied to no runtime); on PostgreSQL it opens a
//! store of its own, whose connections live on its runtime.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use teachlink_indexer::decode::{Decoded, RawEvent};
use teachlink_indexer::store::{BatchOutcome, Checkpoint, Gap};
use teachlink_indexer::sync::{GapPolicy, RpcClient, RpcError, Step, SyncError, TokioTimer};
use teachlink_indexer::{Deployment, Status, Store, SyncConfig, Syncer};
use tokio::sync::watch;

use crate::backfill::{self, BackfillError};
use crate::config::{DatabaseUrl, IndexerOptions};
use crate::failover::{EndpointReport, Endpoints};
use crate::identity::{self, Mismatch, NetworkIdentity};
use crate::metrics::{ErrorKind, Metrics};
use crate::store::{self, AppStore};

/// What this replica does about indexing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Before the first attempt to take the indexing lock.
    #[default]
    Starting,
    /// Holds the indexing lock and runs the sync loop.
    Indexing,
    /// Another replica holds the lock: serves reads, retries taking it.
    Standby,
    /// `--read-only`: never indexes.
    ReadOnly,
}

/// The indexer as the rest of the server sees it.
#[derive(Clone, Debug, Default, Serialize)]
pub struct IndexerSnapshot {
    /// Whether this replica indexes, waits for the lock, or never indexes.
    pub role: Role,
    /// The syncer's status after its last step (failed ones too); `None` before any.
    pub status: Option<Status>,
    /// Whether a sync step has succeeded yet: until then the server is not ready.
    pub ready: bool,
    /// Whether the sync loop runs.
    pub running: bool,
    /// Ledgers recorded as never indexed (every retention gap in the store's checkpoint).
    pub retention_gap_ledgers: u64,
    /// Unix time of the last successful step.
    pub last_success_unix: Option<f64>,
    /// Why the loop stopped, if it stopped on its own.
    pub stopped: Option<String>,
    /// The RPC endpoint the indexer uses now (`None` before the loop chose one).
    pub rpc_url: Option<String>,
    /// Every configured RPC endpoint: usable, unchecked, or refused (another network).
    pub rpc_endpoints: Vec<EndpointReport>,
}

/// What the sync loop needs.
#[derive(Clone)]
pub struct SyncJob {
    pub rpc_url: String,
    /// More endpoints of the same network, for failover (see [`crate::failover`]).
    pub fallback_rpc_urls: Vec<String>,
    /// The network's passphrase when known: every endpoint's is checked against it.
    pub network_passphrase: Option<String>,
    /// Switch when the endpoint in use is this many ledgers behind another.
    pub lag_switch: u32,
    pub deployment: Deployment,
    pub options: IndexerOptions,
    pub publish: watch::Sender<IndexerSnapshot>,
    pub metrics: Arc<Metrics>,
    pub stop: watch::Receiver<bool>,
}

fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

fn gap_ledgers(gaps: &[Gap]) -> u64 {
    gaps.iter()
        .map(|g| u64::from(g.last_ledger.saturating_sub(g.first_ledger)) + 1)
        .sum()
}

/// The store as the syncer sees it: the same store, plus whether a batch is being
/// committed (so shutdown waits for it) and the gaps of the last committed checkpoint.
struct Guarded<'s, S> {
    inner: &'s S,
    in_flight: watch::Sender<bool>,
    gaps: AtomicU64,
}

/// Clears the in-flight flag even if the commit's future is dropped.
struct InFlight<'a>(&'a watch::Sender<bool>);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.send_replace(false);
    }
}

impl<S: Store> Store for Guarded<'_, S> {
    type Error = S::Error;

    async fn apply_batch(
        &self,
        events: &[Decoded],
        checkpoint: &Checkpoint,
    ) -> Result<BatchOutcome, Self::Error> {
        self.in_flight.send_replace(true);
        let _clear = InFlight(&self.in_flight);
        let outcome = self.inner.apply_batch(events, checkpoint).await?;
        self.gaps
            .store(gap_ledgers(&checkpoint.gaps), Ordering::Relaxed);
        Ok(outcome)
    }

    async fn cursor(&self) -> Result<Option<Checkpoint>, Self::Error> {
        self.inner.cursor().await
    }

    fn keeps_raw(&self) -> bool {
        self.inner.keeps_raw()
    }

    async fn apply_batch_raw(
        &self,
        raw: &[RawEvent],
        events: &[Decoded],
        checkpoint: &Checkpoint,
    ) -> Result<BatchOutcome, Self::Error> {
        self.in_flight.send_replace(true);
        let _clear = InFlight(&self.in_flight);
        let outcome = self.inner.apply_batch_raw(raw, events, checkpoint).await?;
        self.gaps
            .store(gap_ledgers(&checkpoint.gaps), Ordering::Relaxed);
        Ok(outcome)
    }
}

/// Why the chain could not be confirmed as the store's.
enum ChainCheck {
    Mismatch(Mismatch),
    /// The chain is the store's, and the deployment adds contracts to the recorded ones:
    /// their past is to be fetched ([`backfill::add_contracts`]) before indexing goes on.
    Added {
        identity: NetworkIdentity,
        added: std::collections::BTreeMap<String, String>,
    },
    /// The RPC or the store failed: try again later.
    Unavailable(String),
}

/// Checks the chain `rpc_url` serves against the store's record of its chain, recording it
/// when new (see [`crate::identity`]).
async fn verify_chain(
    store: &AppStore,
    rpc_url: &str,
    deployment: &Deployment,
) -> Result<(), ChainCheck> {
    let unavailable = |e: &dyn std::fmt::Display| ChainCheck::Unavailable(e.to_string());
    let rpc = RpcClient::new(rpc_url).map_err(|e| unavailable(&e))?;
    let observed = identity::observe(&rpc, deployment)
        .await
        .map_err(|e| unavailable(&e))?;
    let stored = match store
        .network_identity()
        .await
        .map_err(|e| unavailable(&e))?
    {
        Some(text) => Some(
            serde_json::from_str::<NetworkIdentity>(&text)
                .map_err(|e| unavailable(&format!("the stored chain identity: {e}")))?,
        ),
        None => None,
    };
    if let Some(recorded) = &stored {
        if let Some(added) = backfill::added_contracts(&recorded.contracts, deployment) {
            // The chain must still be the one recorded, checked on the recorded contracts.
            let before = Deployment {
                contracts: recorded.contracts.clone(),
                start_ledger: deployment.start_ledger,
            };
            let observed = identity::observe(&rpc, &before)
                .await
                .map_err(|e| unavailable(&e))?;
            identity::check(Some(recorded), &before, &observed).map_err(ChainCheck::Mismatch)?;
            return Err(ChainCheck::Added {
                identity: recorded.clone(),
                added,
            });
        }
    }
    let update =
        identity::check(stored.as_ref(), deployment, &observed).map_err(ChainCheck::Mismatch)?;
    if let Some(identity) = update {
        let text = serde_json::to_string(&identity).map_err(|e| unavailable(&e))?;
        store
            .set_network_identity(&text)
            .await
            .map_err(|e| unavailable(&e))?;
    }
    Ok(())
}

/// The next ledger to index, from the store's checkpoint (the deployment's start ledger for
/// an empty store); `None` when the store cannot be read (no endpoint is then passed over).
async fn next_needed<S: Store>(store: &S, deployment: &Deployment) -> Option<u32> {
    match store.cursor().await {
        Ok(Some(cp)) => Some(cp.ledger.saturating_add(1)),
        Ok(None) => Some(deployment.start_ledger),
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the store's checkpoint");
            None
        }
    }
}

/// The kind of a failed step, for `teachlink_indexer_errors_total`.
fn error_kind(e: &SyncError) -> Option<ErrorKind> {
    match e {
        SyncError::Rpc {
            error: RpcError::Malformed(_),
            ..
        } => Some(ErrorKind::Decode),
        SyncError::Rpc { .. } => Some(ErrorKind::Rpc),
        SyncError::Store(_) => Some(ErrorKind::Store),
        SyncError::Gap(_) | SyncError::Config(_) => None,
    }
}

/// A failed sync step, as the loop handles it.
struct Failure {
    kind: Option<ErrorKind>,
    /// The configuration cannot work, or a gap the policy refuses: stop.
    fatal: bool,
    /// The chain is not the store's (fatal too).
    mismatch: bool,
    message: String,
}

impl From<SyncError> for Failure {
    fn from(e: SyncError) -> Failure {
        Failure {
            kind: error_kind(&e),
            fatal: matches!(e, SyncError::Config(_) | SyncError::Gap(_)),
            mismatch: false,
            message: e.to_string(),
        }
    }
}

impl From<ChainCheck> for Failure {
    fn from(e: ChainCheck) -> Failure {
        match e {
            ChainCheck::Mismatch(m) => Failure {
                kind: None,
                fatal: true,
                mismatch: true,
                message: format!(
                    "{m}; indexing stopped: re-index into an empty store (runbook: \
                     TeachLinkIndexerChainMismatch)"
                ),
            },
            // Handled by the loop; like a failed check if it ever gets here.
            ChainCheck::Added { added, .. } => Failure {
                kind: Some(ErrorKind::Rpc),
                fatal: false,
                mismatch: false,
                message: format!("contracts added to the deployment: {added:?}"),
            },
            // Like a failed step: retried, and failed over to another endpoint.
            ChainCheck::Unavailable(why) => Failure {
                kind: Some(ErrorKind::Rpc),
                fatal: false,
                mismatch: false,
                message: format!("cannot check the chain against the store: {why}"),
            },
        }
    }
}

impl From<BackfillError> for Failure {
    fn from(e: BackfillError) -> Failure {
        let fatal = e.is_fatal();
        Failure {
            kind: Some(match e {
                BackfillError::Store(_) | BackfillError::Identity(_) => ErrorKind::Store,
                BackfillError::Rpc { .. } | BackfillError::NoEndpoint(_) => ErrorKind::Rpc,
            }),
            fatal,
            mismatch: false,
            message: if fatal {
                format!(
                    "cannot backfill the contracts added to the deployment: {e}; indexing \
                     stopped: re-index into an empty store (runbook: \
                     TeachLinkIndexerChainMismatch)"
                )
            } else {
                format!("backfilling the contracts added to the deployment: {e}")
            },
        }
    }
}

/// Waits `delay` or until stop is requested; returns whether to go on.
async fn pause(stop: &mut watch::Receiver<bool>, delay: Duration) -> bool {
    let slept = tokio::select! {
        _ = tokio::time::sleep(delay) => true,
        _ = stop.wait_for(|s| *s) => false,
    };
    slept && !*stop.borrow()
}

/// Proof of holding the indexing lock, checked before each sync step.
pub trait Lease {
    /// `Err` once the lock is lost (e.g. its database connection broke): stop indexing.
    fn check(&mut self) -> impl Future<Output = Result<(), String>> + Send;
}

impl Lease for teachlink_indexer_sql::IndexerLock {
    async fn check(&mut self) -> Result<(), String> {
        teachlink_indexer_sql::IndexerLock::check(self)
            .await
            .map_err(|e| e.to_string())
    }
}

/// How [`run`] ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ended {
    /// Shutdown was requested.
    Stopped,
    /// The lease was lost: another replica may index now.
    LeaseLost(String),
    /// The configuration cannot work (published as `stopped`); do not retry.
    Fatal,
}

/// Where the sync loop's store comes from.
#[derive(Clone)]
pub enum StoreSource {
    /// The HTTP side's store.
    Shared(Arc<AppStore>),
    /// A store of the indexer's own, opened on its thread.
    Open(DatabaseUrl),
}

impl StoreSource {
    /// SQLite shares the HTTP side's store; PostgreSQL gets its own.
    pub fn for_database(database: &DatabaseUrl, shared: &Arc<AppStore>) -> StoreSource {
        match database {
            DatabaseUrl::Postgres(_) => StoreSource::Open(database.clone()),
            DatabaseUrl::Sqlite(_) | DatabaseUrl::SqliteMemory => {
                StoreSource::Shared(shared.clone())
            }
        }
    }
}

/// Runs [`supervise`] on a thread of its own until `job.stop` turns true; a panic in it is
/// logged, counted (`teachlink_indexer_panics_total`) and the indexer restarted on a new
/// runtime (see [`restarting`]): nothing else would ever restart it.
pub fn spawn(source: StoreSource, job: SyncJob) -> std::io::Result<std::thread::JoinHandle<()>> {
    let mut runtime = Some(
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?,
    );
    std::thread::Builder::new()
        .name("teachlink-indexer".into())
        .spawn(move || {
            let metrics = job.metrics.clone();
            let stop = job.stop.clone();
            restarting(&metrics, &stop, || {
                let runtime = match runtime.take() {
                    Some(r) => r,
                    None => tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .map_err(|e| e.to_string())?,
                };
                runtime.block_on(supervise(source.clone(), job.clone()));
                Ok(())
            })
        })
}

/// Runs `body` until it returns; when it panics, logs and counts the panic and runs it
/// again after a pause (1 s doubling to 60 s), unless stop was requested. An `Err` from
/// `body` (it cannot run at all) ends it, logged.
pub fn restarting(
    metrics: &Metrics,
    stop: &watch::Receiver<bool>,
    mut body: impl FnMut() -> Result<(), String>,
) {
    let mut panics = 0u32;
    loop {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(&mut body)) {
            Ok(Ok(())) => return,
            Ok(Err(e)) => {
                tracing::error!(error = %e, "the indexer cannot run");
                return;
            }
            Err(payload) => {
                panics = panics.saturating_add(1);
                metrics.indexer_panicked();
                metrics.set_running(false);
                let what = payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a panic without a message".into());
                tracing::error!(panic = %what, panics, "the indexer panicked; restarting it");
            }
        }
        let factor = 1u32.checked_shl(panics - 1).unwrap_or(u32::MAX);
        let pause = Duration::from_secs(1)
            .saturating_mul(factor)
            .min(Duration::from_secs(60));
        // In small steps, so a shutdown is not held up by the pause.
        let until = Instant::now() + pause;
        while Instant::now() < until {
            if *stop.borrow() {
                return;
            }
            std::thread::sleep(
                Duration::from_millis(50).min(until.saturating_duration_since(Instant::now())),
            );
        }
        if *stop.borrow() {
            return;
        }
    }
}

/// Opens the indexer's store, retrying every `lock_retry` while the database is down;
/// `None` once stop is requested.
async fn open_store(source: StoreSource, job: &SyncJob) -> Option<Arc<AppStore>> {
    let database = match source {
        StoreSource::Shared(store) => return Some(store),
        StoreSource::Open(database) => database,
    };
    let mut stop = job.stop.clone();
    loop {
        match store::open(&database, false).await {
            Ok(store) => return Some(Arc::new(store)),
            Err(e) => {
                tracing::warn!(error = %e, "the indexer cannot open the store; retrying");
                job.publish.send_modify(|s| s.role = Role::Standby);
            }
        }
        if !pause(&mut stop, job.options.lock_retry).await {
            return None;
        }
    }
}

/// Takes the indexing lock and runs the sync loop while holding it, until `job.stop` turns
/// true; without the lock (another replica indexes) retries every `lock_retry`. A
/// `read_only` job never indexes. Releases the lock on the way out, so a standby replica
/// takes over at its next attempt.
pub async fn supervise(source: StoreSource, job: SyncJob) {
    let mut stop = job.stop.clone();
    if job.options.read_only {
        job.publish.send_modify(|s| s.role = Role::ReadOnly);
        job.metrics.set_running(false);
        tracing::info!("read-only replica: this server never indexes");
        let _ = stop.wait_for(|s| *s).await;
        return;
    }
    let owned = matches!(source, StoreSource::Open(_));
    let Some(store) = open_store(source, &job).await else {
        return;
    };
    supervise_on(&store, &job).await;
    if owned {
        store.close().await;
    }
}

async fn supervise_on(store: &AppStore, job: &SyncJob) {
    let mut stop = job.stop.clone();
    let retry = job.options.lock_retry;
    let mut announced_standby = false;
    loop {
        if *stop.borrow() {
            break;
        }
        let attempt = tokio::select! {
            r = tokio::time::timeout(retry.max(Duration::from_secs(5)), store.try_lock_indexer()) => r,
            _ = stop.wait_for(|s| *s) => break,
        };
        match attempt {
            Ok(Ok(Some(mut lock))) => {
                announced_standby = false;
                tracing::info!(lock = ?lock, "took the indexing lock: this replica indexes");
                job.publish.send_modify(|s| {
                    s.role = Role::Indexing;
                    s.stopped = None;
                });
                let ended = run(store, job, &mut lock).await;
                if ended != Ended::Fatal {
                    // A fatal stop stays visible as this replica's (health reports it).
                    job.publish.send_modify(|s| s.role = Role::Standby);
                }
                if let Err(e) = lock.release().await {
                    tracing::warn!(error = %e, "cannot release the indexing lock cleanly");
                } else {
                    tracing::info!("released the indexing lock");
                }
                match ended {
                    Ended::Stopped => break,
                    Ended::LeaseLost(why) => {
                        tracing::warn!(error = %why, "lost the indexing lock; indexing stopped");
                    }
                    Ended::Fatal => {
                        let _ = stop.wait_for(|s| *s).await;
                        break;
                    }
                }
            }
            Ok(Ok(None)) => {
                job.publish.send_modify(|s| s.role = Role::Standby);
                if !announced_standby {
                    announced_standby = true;
                    tracing::info!(
                        retry_every = ?retry,
                        "another replica holds the indexing lock: serving reads only"
                    );
                }
            }
            Ok(Err(e)) => {
                job.publish.send_modify(|s| s.role = Role::Standby);
                tracing::warn!(error = %e, "cannot take the indexing lock");
            }
            Err(_) => {
                job.publish.send_modify(|s| s.role = Role::Standby);
                tracing::warn!("taking the indexing lock timed out");
            }
        }
        if !pause(&mut stop, retry).await {
            break;
        }
    }
    job.metrics.set_running(false);
}

/// Runs the sync loop on `store` while `lease` holds, until `job.stop` turns true (or the
/// configuration is unusable). Backfills first, then follows the head every
/// `poll_interval`.
pub async fn run<L: Lease>(store: &AppStore, job: &SyncJob, lease: &mut L) -> Ended {
    let SyncJob {
        rpc_url,
        fallback_rpc_urls,
        network_passphrase,
        lag_switch,
        deployment,
        options,
        publish,
        metrics,
        stop,
    } = job;
    let mut stop = stop.clone();
    let (in_flight, mut in_flight_rx) = watch::channel(false);
    let guarded = Guarded {
        inner: store,
        in_flight,
        gaps: AtomicU64::new(0),
    };
    let mut urls = vec![rpc_url.clone()];
    urls.extend(fallback_rpc_urls.iter().cloned());
    let mut endpoints = Endpoints::new(&urls, network_passphrase.clone(), *lag_switch);
    // The first endpoint that serves the network and answers; without any answering, the
    // first usable one (its failures are retried as before).
    // The next ledger to index: an endpoint that still holds it is preferred.
    let needed_at_start = next_needed(&guarded, deployment).await;
    if let Err(e) = endpoints.pick(false, needed_at_start).await {
        tracing::error!(error = %e, "the indexer cannot start");
        publish.send_modify(|s| {
            s.stopped = Some(e.to_string());
            s.rpc_endpoints = endpoints.report();
        });
        return Ended::Fatal;
    }
    let publish_endpoints = |endpoints: &Endpoints| {
        metrics.set_rpc_endpoint(endpoints.current_index(), endpoints.switches());
        publish.send_modify(|s| {
            s.rpc_url = Some(endpoints.current_url().to_string());
            s.rpc_endpoints = endpoints.report();
        });
    };
    publish_endpoints(&endpoints);
    let mut config = SyncConfig::new(endpoints.current_url(), deployment.clone());
    config.page_limit = options.page_limit;
    config.backoff = options.backoff;
    config.poll_interval = options.poll_interval;
    config.gap_policy = GapPolicy::RecordAndContinue;
    let mut syncer = match Syncer::new(config, &guarded, TokioTimer::default()) {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "the indexer cannot start");
            publish.send_modify(|s| s.stopped = Some(e.to_string()));
            return Ended::Fatal;
        }
    };
    match guarded.cursor().await {
        Ok(cp) => {
            let gaps = cp.map_or(0, |c| gap_ledgers(&c.gaps));
            guarded.gaps.store(gaps, Ordering::Relaxed);
            metrics.set_retention_gap(gaps);
        }
        Err(e) => {
            metrics.indexer_errors(ErrorKind::Store, 1);
            tracing::warn!(error = %e, "cannot read the store's checkpoint");
        }
    }
    metrics.set_running(true);
    publish.send_modify(|s| s.running = true);
    tracing::info!("indexer started");

    let mut previous: Option<Status> = None;
    let mut failures: u32 = 0;
    let mut last_log = Instant::now();
    let mut was_caught_up = false;
    let lag_check_every = options.poll_interval.saturating_mul(10);
    let mut last_lag_check = Instant::now();
    // Recorded gaps are retried on the lag check's cadence once caught up, until filled or
    // the store says it cannot be (then never again this run).
    let mut last_gap_fill = Instant::now();
    let mut gap_fill_refused = false;
    // Whether the chain must be checked against the store's record before the next step:
    // at start, after a switch of endpoint, a failed step, or a head behind the checkpoint.
    let mut check_chain = true;
    let ended = loop {
        if *stop.borrow() {
            break Ended::Stopped;
        }
        if let Err(e) = lease.check().await {
            break Ended::LeaseLost(e);
        }
        // Run one step; on shutdown, abandon it unless a batch is being committed, in which
        // case the step runs on until that batch has committed.
        let result = {
            // The error becomes a `Failure` at once: `SyncError` is not `Send`.
            let step = async {
                if check_chain {
                    match verify_chain(store, endpoints.current_url(), deployment).await {
                        Err(ChainCheck::Added { identity, added }) => {
                            backfill::add_contracts(
                                store,
                                &mut endpoints,
                                deployment,
                                &identity,
                                &added,
                                options.page_limit,
                            )
                            .await?;
                            verify_chain(store, endpoints.current_url(), deployment).await?;
                        }
                        checked => checked?,
                    }
                    check_chain = false;
                    metrics.set_chain_mismatch(false);
                }
                syncer.step().await.map_err(Failure::from)
            };
            tokio::pin!(step);
            let first = tokio::select! {
                r = &mut step => Some(r),
                _ = stop.wait_for(|s| *s) => None,
            };
            match first {
                Some(r) => Some(r),
                None if *in_flight_rx.borrow() => tokio::select! {
                    r = &mut step => Some(r),
                    _ = in_flight_rx.wait_for(|f| !*f) => None,
                },
                None => None,
            }
        };
        let Some(result) = result else {
            break Ended::Stopped;
        };
        let mut status = syncer.status().clone();
        metrics.indexer_progress(previous.as_ref(), &status);
        let gaps = guarded.gaps.load(Ordering::Relaxed);
        if gaps == 0 {
            // Every gap met was filled since: none to report.
            status.gap = None;
        }
        metrics.set_retention_gap(gaps);
        let delay = match result {
            Ok(step) => {
                failures = 0;
                let now = unix_now();
                metrics.set_last_success(now);
                publish.send_modify(|s| {
                    s.status = Some(status.clone());
                    s.ready = true;
                    s.retention_gap_ledgers = gaps;
                    s.last_success_unix = Some(now);
                });
                if status.caught_up && !was_caught_up {
                    tracing::info!(
                        ledger = status.indexed_ledger,
                        events = status.events_indexed,
                        "indexer caught up with the RPC"
                    );
                } else if !status.caught_up && last_log.elapsed() >= options.progress_every {
                    last_log = Instant::now();
                    tracing::info!(
                        indexed_ledger = status.indexed_ledger,
                        latest_ledger = status.latest_ledger,
                        ledgers_behind = status.ledgers_behind,
                        events = status.events_indexed,
                        events_per_second = format!("{:.1}", status.events_per_second),
                        "backfilling"
                    );
                }
                was_caught_up = status.caught_up;
                // A head behind what is indexed: a lagging endpoint, or another chain.
                if status.latest_ledger < status.indexed_ledger {
                    check_chain = true;
                }
                if endpoints.len() > 1 && last_lag_check.elapsed() >= lag_check_every {
                    last_lag_check = Instant::now();
                    if endpoints
                        .check_lag(next_needed(&guarded, deployment).await)
                        .await
                    {
                        if let Err(e) = syncer.set_rpc_url(endpoints.current_url()) {
                            tracing::warn!(error = %e, "cannot switch RPC endpoint");
                        }
                        check_chain = true;
                    }
                    publish_endpoints(&endpoints);
                }
                if gaps > 0
                    && status.caught_up
                    && !gap_fill_refused
                    && last_gap_fill.elapsed() >= lag_check_every
                {
                    last_gap_fill = Instant::now();
                    let filled = tokio::select! {
                        r = backfill::fill_gap(store, &mut endpoints, deployment, options.page_limit) => Some(r),
                        _ = stop.wait_for(|s| *s) => None,
                    };
                    match filled {
                        Some(Ok(Some(_))) => match guarded.cursor().await {
                            Ok(cp) => {
                                let left = cp.map_or(0, |c| gap_ledgers(&c.gaps));
                                guarded.gaps.store(left, Ordering::Relaxed);
                                metrics.set_retention_gap(left);
                                publish.send_modify(|s| {
                                    s.retention_gap_ledgers = left;
                                    if left == 0 {
                                        if let Some(status) = s.status.as_mut() {
                                            status.gap = None;
                                        }
                                    }
                                });
                            }
                            Err(e) => {
                                tracing::warn!(error = %e, "cannot read the store's checkpoint")
                            }
                        },
                        Some(Ok(None)) | None => {}
                        Some(Err(e)) if e.is_fatal() => {
                            gap_fill_refused = true;
                            tracing::error!(error = %e, "a recorded gap cannot be filled");
                        }
                        Some(Err(e)) => {
                            tracing::warn!(error = %e, "filling a recorded gap failed; retrying later")
                        }
                    }
                }
                match step {
                    Step::CaughtUp => Some(options.poll_interval),
                    Step::Page { .. } => None,
                }
            }
            Err(e) => {
                check_chain = true;
                if e.mismatch {
                    metrics.set_chain_mismatch(true);
                }
                if let Some(kind) = e.kind {
                    // Retried attempts were counted from the status; this is the last one.
                    metrics.indexer_errors(kind, 1);
                }
                publish.send_modify(|s| {
                    let mut status = status.clone();
                    // A failed chain check is not the syncer's: its status says nothing.
                    status.last_error = Some(e.message.clone());
                    s.status = Some(status);
                    s.retention_gap_ledgers = gaps;
                });
                if e.fatal {
                    tracing::error!(error = %e.message, "the indexer stopped");
                    publish.send_modify(|s| s.stopped = Some(e.message.clone()));
                    break Ended::Fatal;
                }
                // The RPC failed: another endpoint of the same network, if one answers.
                if matches!(e.kind, Some(ErrorKind::Rpc | ErrorKind::Decode)) && endpoints.len() > 1
                {
                    // From the store, not the status: before the first step succeeds the
                    // status knows no ledger, and an endpoint lacking the checkpoint's
                    // next ledger would make a gap.
                    let needed = next_needed(&guarded, deployment).await;
                    match endpoints.pick(true, needed).await {
                        Ok(true) => {
                            if let Err(e) = syncer.set_rpc_url(endpoints.current_url()) {
                                tracing::warn!(error = %e, "cannot switch RPC endpoint");
                            }
                            failures = 0;
                        }
                        Ok(false) => {}
                        Err(fatal) => {
                            tracing::error!(error = %fatal, "the indexer stopped");
                            publish_endpoints(&endpoints);
                            publish.send_modify(|s| s.stopped = Some(fatal.to_string()));
                            break Ended::Fatal;
                        }
                    }
                    publish_endpoints(&endpoints);
                }
                failures = failures.saturating_add(1);
                let factor = 1u32.checked_shl(failures - 1).unwrap_or(u32::MAX);
                let delay = options
                    .backoff
                    .initial
                    .saturating_mul(factor)
                    .min(options.max_step_delay);
                tracing::warn!(error = %e.message, retry_in = ?delay, "sync step failed");
                was_caught_up = false;
                Some(delay)
            }
        };
        previous = Some(status);
        if let Some(delay) = delay {
            if !pause(&mut stop, delay).await {
                break Ended::Stopped;
            }
        }
    };
    metrics.set_running(false);
    publish.send_modify(|s| s.running = false);
    tracing::info!("indexer stopped");
    ended
}

#[cfg(test)]
mod tests {
    use super::*;

    fn panics_counted(metrics: &Metrics) -> Option<String> {
        metrics.encode().ok().and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("teachlink_indexer_panics_total "))
                .map(str::to_string)
        })
    }

    /// Issue 17 item 6: a panic of the indexer is logged, counted, and the indexer runs
    /// again; with stop requested it is not restarted.
    #[test]
    fn a_panicking_indexer_is_counted_and_restarted() {
        let metrics = Metrics::new("test");
        let (stop_tx, stop) = watch::channel(false);
        let mut runs = 0;
        restarting(&metrics, &stop, || {
            runs += 1;
            if runs == 1 {
                panic!("an indexer bug");
            }
            Ok(())
        });
        assert_eq!(runs, 2, "restarted once, then returned");
        assert_eq!(
            panics_counted(&metrics).as_deref(),
            Some("teachlink_indexer_panics_total 1")
        );
        // Stopping: a panic is counted, not restarted.
        stop_tx.send_replace(true);
        let mut runs = 0;
        restarting(&metrics, &stop, || {
            runs += 1;
            panic!("another bug");
        });
        assert_eq!(runs, 1);
        assert_eq!(
            panics_counted(&metrics).as_deref(),
            Some("teachlink_indexer_panics_total 2")
        );
    }
}
