//! teachlink-server: the TeachLink server on one port — the indexer syncing Stellar RPC
//! into a store, the REST API, `/health`, `/metrics` and the web app — with, by default, an
//! embedded localnet carrying the contracts and a demo data set.
//!
//! [`run`] starts everything and returns a [`ServerHandle`] once the HTTP port is bound;
//! the server stops when the given shutdown future completes (or [`ServerHandle::shutdown`]
//! is called): HTTP first, then the sync loop after the batch in flight has committed (it
//! releases the indexing lock), then the store, the demo and the embedded localnet.
//!
//! | module | owns |
//! |---|---|
//! | [`config`] | command line and environment, the validated [`Config`] |
//! | [`chain`] | the embedded localnet: start, deploy, deployment file, demo thread |
//! | [`demo`] | the demo data set, as real signed transactions |
//! | [`store`] | the store backend ([`store::AppStore`], SQLite or PostgreSQL), opening it |
//! | [`indexer`] | the indexing lock, the sync loop and its published progress |
//! | [`failover`] | the RPC endpoints: which one is used, when to switch |
//! | [`backfill`] | filling in skipped history: recorded gaps, contracts added to the deployment |
//! | [`health`] | `/health`: checks, thresholds, levels |
//! | [`metrics`] | Prometheus metrics, the request middleware, `/metrics` |
//! | [`app`] | the router, static files, JSON errors, the OpenAPI description |
//! | [`serve`] | HTTP connections: header and request timeouts, the concurrency cap, shutdown's deadline |
//! | [`api`] | the REST API under `/api`: handlers, parameters, cursors, errors, schemas |

pub mod api;
pub mod app;
pub mod archive;
pub mod backfill;
pub mod chain;
pub mod config;
pub mod demo;
pub mod failover;
pub mod health;
pub mod identity;
pub mod indexer;
pub mod metrics;
pub mod serve;
pub mod snapshot;
pub mod store;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use teachlink_indexer::Deployment;
use teachlink_localnet::LocalnetHandle;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use config::{Args, Config, ConfigError};
pub use metrics::METRIC_NAMES;

use crate::app::{AppState, NetworkInfo};
use crate::chain::{DemoThread, Embedded};
use crate::config::Network;
use crate::demo::DemoState;
use crate::health::HealthChecker;
use crate::indexer::{IndexerSnapshot, SyncJob};
use crate::metrics::Metrics;
use crate::store::AppStore;

/// The server's version, as in `teachlink_build_info`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Why the server could not start or stop cleanly.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Chain(#[from] chain::ChainError),
    #[error("cannot start the demo: {0}")]
    Demo(#[source] std::io::Error),
    #[error(transparent)]
    Store(#[from] store::OpenError),
    #[error(transparent)]
    Snapshot(#[from] snapshot::BootstrapError),
    #[error("the RPC at {url} serves {found:?}, not the configured network {expected:?}")]
    PassphraseMismatch {
        url: String,
        expected: String,
        found: String,
    },
    #[error("the health checker: {0}")]
    Health(#[from] health::ProbeError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("the HTTP server failed: {0}")]
    Serve(#[source] std::io::Error),
    #[error("a server task failed: {0}")]
    Task(String),
}

/// A running server.
pub struct ServerHandle {
    addr: SocketAddr,
    rpc_url: String,
    deployment: Deployment,
    localnet: Option<Arc<LocalnetHandle>>,
    deployment_file: Option<std::path::PathBuf>,
    stop: Arc<watch::Sender<bool>>,
    http: JoinHandle<std::io::Result<()>>,
    indexing: Option<std::thread::JoinHandle<()>>,
    store: Option<Arc<AppStore>>,
    demo: Option<DemoThread>,
    demo_state: watch::Receiver<Option<DemoState>>,
    indexer: watch::Receiver<IndexerSnapshot>,
    health: Arc<HealthChecker>,
    recommender: Arc<api::RecommenderCache>,
}

impl ServerHandle {
    /// The bound HTTP address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://<addr>/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// The RPC the indexer follows (the embedded localnet's, if any).
    pub fn rpc_url(&self) -> &str {
        &self.rpc_url
    }

    /// The contracts being indexed.
    pub fn deployment(&self) -> &Deployment {
        &self.deployment
    }

    /// The embedded localnet, when the server runs one.
    pub fn localnet(&self) -> Option<&LocalnetHandle> {
        self.localnet.as_deref()
    }

    /// The embedded localnet's deployment file (`<data-dir>/deployment.json`).
    pub fn deployment_file(&self) -> Option<&std::path::Path> {
        self.deployment_file.as_deref()
    }

    /// The demo's progress (None: no demo).
    pub fn demo_state(&self) -> watch::Receiver<Option<DemoState>> {
        self.demo_state.clone()
    }

    /// The indexer's progress.
    pub fn indexer(&self) -> watch::Receiver<IndexerSnapshot> {
        self.indexer.clone()
    }

    /// How many times the health checks probed the RPC.
    pub fn rpc_probes(&self) -> u64 {
        self.health.rpc_probes()
    }

    /// How many times `/api/recommendations/popular` trained a model.
    pub fn recommender_trainings(&self) -> u64 {
        self.recommender.trainings()
    }

    /// Asks the server to stop (as the shutdown future does) and waits until it has.
    pub async fn shutdown(self) -> Result<(), ServerError> {
        self.stop.send_replace(true);
        self.wait().await
    }

    /// Waits until the server has stopped (after the shutdown future completed), then
    /// stops the sync loop (after the batch in flight), the store, the demo and the
    /// embedded localnet.
    pub async fn wait(mut self) -> Result<(), ServerError> {
        let served = (&mut self.http).await;
        // Whatever ended the HTTP server, everything else stops now.
        self.stop.send_replace(true);
        let indexed = match self.indexing.take() {
            Some(thread) => tokio::task::spawn_blocking(move || thread.join())
                .await
                .map_err(|e| e.to_string())
                .and_then(|joined| joined.map_err(|_| "the indexer thread panicked".to_string())),
            None => Ok(()),
        };
        if let Some(store) = self.store.take() {
            store.close().await;
        }
        let demo = self.demo.take();
        let localnet = self.localnet.take();
        let stopped = tokio::task::spawn_blocking(move || {
            if let Some(d) = demo {
                d.stop_and_join();
            }
            if let Some(net) = localnet {
                match Arc::try_unwrap(net) {
                    Ok(net) => net.shutdown(),
                    // Someone still holds it; it stops when they drop it.
                    Err(_) => tracing::warn!("the embedded localnet is still in use"),
                }
            }
        })
        .await;
        tracing::info!("server stopped");
        stopped.map_err(|e| ServerError::Task(e.to_string()))?;
        indexed.map_err(|e| ServerError::Task(format!("the sync loop: {e}")))?;
        match served {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(ServerError::Serve(e)),
            Err(e) => Err(ServerError::Task(e.to_string())),
        }
    }
}

impl Drop for ServerHandle {
    /// A handle dropped without [`ServerHandle::wait`] stops the server (without waiting).
    fn drop(&mut self) {
        self.stop.send_replace(true);
    }
}

/// Starts the server, stopping when `shutdown` completes. Returns once the HTTP port is
/// bound.
pub async fn run(
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<ServerHandle, ServerError> {
    std::fs::create_dir_all(&config.data_dir).map_err(|source| ServerError::DataDir {
        path: config.data_dir.clone(),
        source,
    })?;
    let metrics = Arc::new(Metrics::new(VERSION));

    // The network: an embedded localnet, or a real one whose passphrase is checked.
    let (embedded, mut network, deployment) = match &config.network {
        Network::Localnet(options) => {
            let options = options.clone();
            let data_dir = config.data_dir.clone();
            let chain: Embedded =
                tokio::task::spawn_blocking(move || chain::start(&options, &data_dir))
                    .await
                    .map_err(|e| ServerError::Task(e.to_string()))??;
            tracing::info!(
                rpc = %chain.handle.url(),
                deployment_file = %chain.deployment_file.display(),
                "embedded localnet running with the TeachLink contracts"
            );
            let network = NetworkInfo {
                mode: "localnet",
                rpc_url: chain.handle.url(),
                network_passphrase: Some(chain.deployment.network_passphrase.clone()),
                protocol_version: Some(teachlink_localnet::PROTOCOL_VERSION),
            };
            let deployment = Deployment {
                contracts: chain.deployment.contracts.clone(),
                start_ledger: chain.deployment.start_ledger,
            };
            (Some(chain), network, deployment)
        }
        Network::Rpc(rpc) => (
            None,
            NetworkInfo {
                mode: "rpc",
                rpc_url: rpc.rpc_url.clone(),
                network_passphrase: rpc.network_passphrase.clone(),
                protocol_version: None,
            },
            rpc.deployment.clone(),
        ),
    };
    let health = Arc::new(HealthChecker::new(&network.rpc_url, config.health.clone())?);
    // With fallbacks, an endpoint of another network is refused by the failover, which
    // uses the others; with one endpoint, the server does not start.
    let has_fallbacks =
        matches!(&config.network, Network::Rpc(rpc) if !rpc.fallback_rpc_urls.is_empty());
    if embedded.is_none() {
        match health.network().await {
            Ok((found, _))
                if network
                    .network_passphrase
                    .as_ref()
                    .is_some_and(|e| *e != found) =>
            {
                if !has_fallbacks {
                    return Err(ServerError::PassphraseMismatch {
                        url: network.rpc_url.clone(),
                        expected: network.network_passphrase.clone().unwrap_or_default(),
                        found,
                    });
                }
                tracing::error!(
                    rpc = %network.rpc_url,
                    found = %found,
                    "the first RPC endpoint serves another network: it will not be used"
                );
            }
            Ok((found, protocol)) => {
                network.network_passphrase = Some(found);
                network.protocol_version = protocol;
            }
            Err(e) => tracing::warn!(
                rpc = %network.rpc_url,
                error = %e,
                "cannot check the RPC's network passphrase now; starting anyway"
            ),
        }
    }

    // The store, shared by the handlers and the sync loop. The embedded localnet is a new
    // chain every run: its store starts empty.
    tracing::info!(database = %config.database.redacted(), "opening the store");
    // A read-only replica never empties a database: others may be serving it.
    let fresh = matches!(config.network, Network::Localnet(_)) && !config.indexer.read_only;
    let store = Arc::new(store::open(&config.database, fresh).await?);
    if let (Some(source), false) = (&config.indexer.snapshot, config.indexer.read_only) {
        let passphrase = network.network_passphrase.as_deref();
        match snapshot::bootstrap(&store, source, passphrase, &deployment).await {
            Ok(Some(s)) => tracing::info!(snapshot = %s, "bootstrapped the store from a snapshot"),
            Ok(None) => tracing::info!("the store already holds data: --snapshot is not used"),
            Err(e) => {
                store.close().await;
                return Err(e.into());
            }
        }
    }

    // The sync loop, while this replica holds the indexing lock.
    let (stop_tx, stop_rx) = watch::channel(false);
    let stop_tx = Arc::new(stop_tx);
    let (snapshot_tx, snapshot_rx) = watch::channel(IndexerSnapshot::default());
    let (fallback_rpc_urls, lag_switch) = match &config.network {
        Network::Rpc(rpc) => (rpc.fallback_rpc_urls.clone(), rpc.lag_switch),
        Network::Localnet(_) => (Vec::new(), 0),
    };
    let job = SyncJob {
        rpc_url: network.rpc_url.clone(),
        fallback_rpc_urls,
        network_passphrase: network.network_passphrase.clone(),
        lag_switch,
        deployment: deployment.clone(),
        options: config.indexer.clone(),
        publish: snapshot_tx,
        metrics: metrics.clone(),
        stop: stop_rx.clone(),
    };
    let source = indexer::StoreSource::for_database(&config.database, &store);
    let indexing = match indexer::spawn(source, job) {
        Ok(thread) => thread,
        Err(e) => {
            store.close().await;
            return Err(ServerError::Task(format!(
                "cannot start the indexer thread: {e}"
            )));
        }
    };

    // HTTP.
    let (demo_tx, demo_rx) = watch::channel(None::<DemoState>);
    let recommender = Arc::new(api::RecommenderCache::default());
    let state = AppState {
        store: store.clone(),
        indexer: snapshot_rx.clone(),
        metrics,
        health: health.clone(),
        network: Arc::new(network.clone()),
        deployment: Arc::new(deployment.clone()),
        demo: demo_rx.clone(),
        snapshots: Arc::new(snapshot::SnapshotCache::new(config.snapshot_max_age)),
        recommender: recommender.clone(),
    };
    let bind = SocketAddr::new(config.host, config.port);
    let listener = match tokio::net::TcpListener::bind(bind).await {
        Ok(l) => l,
        Err(source) => {
            stop_tx.send_replace(true);
            let _ = tokio::task::spawn_blocking(move || indexing.join()).await;
            store.close().await;
            return Err(ServerError::Bind { addr: bind, source });
        }
    };
    let addr = listener.local_addr().map_err(ServerError::Serve)?;
    let router = app::router(state, &config.web_dir, &config.http);
    let http = tokio::spawn(serve::serve(
        listener,
        router,
        config.http.clone(),
        stop_rx.clone(),
    ));
    let signal_stop = stop_tx.clone();
    tokio::spawn(async move {
        shutdown.await;
        tracing::info!("shutting down");
        signal_stop.send_replace(true);
    });
    tracing::info!(%addr, "HTTP server listening");

    // The demo, in the background, once everything watches the chain.
    let mut demo = None;
    if let (Some(chain), Network::Localnet(options)) = (&embedded, &config.network) {
        if options.demo {
            match chain::spawn_demo(chain, demo_tx) {
                Ok(d) => demo = Some(d),
                Err(e) => {
                    stop_tx.send_replace(true);
                    return Err(ServerError::Demo(e));
                }
            }
        }
    }
    Ok(ServerHandle {
        addr,
        rpc_url: network.rpc_url,
        deployment,
        deployment_file: embedded.as_ref().map(|c| c.deployment_file.clone()),
        localnet: embedded.map(|c| c.handle),
        stop: stop_tx,
        http,
        indexing: Some(indexing),
        store: Some(store),
        demo,
        demo_state: demo_rx,
        indexer: snapshot_rx,
        health,
        recommender,
    })
}
