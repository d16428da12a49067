//! Owns the server's configuration: the command line and environment ([`Args`], clap) and
//! the validated [`Config`] the rest of the crate runs on, with typed errors for what is
//! wrong in it.
//!
//! With no flags the server runs an embedded localnet ([`Network::Localnet`]); `--rpc-url`
//! with `--contracts` or `--deployment-file` picks a real network ([`Network::Rpc`]).

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Parser;
use serde::Deserialize;
use teachlink_indexer::sync::Backoff;
use teachlink_indexer::{Address, Deployment};

/// The contracts the indexer decodes; any other name is still indexed, its events kept raw.
pub const KNOWN_CONTRACTS: [&str; 5] = ["escrow", "content", "reputation", "rewards", "bridge"];

/// The TeachLink server: indexer, REST API, health, metrics and the web app on one port.
///
/// With no flags it starts a local Soroban network in-process, deploys the TeachLink
/// contracts, creates a demo data set with real signed transactions and indexes it.
/// `--rpc-url` with `--contracts` or `--deployment-file` indexes a real network instead.
#[derive(Parser, Debug, Clone)]
#[command(name = "teachlink-server", version)]
pub struct Args {
    /// Address to bind the HTTP server to.
    #[arg(long, env = "TEACHLINK_HOST", default_value = "127.0.0.1")]
    pub host: String,
    /// Port of the HTTP server (API, /health, /metrics, web app); 0 picks a free one.
    #[arg(
        long,
        env = "TEACHLINK_PORT",
        default_value_t = 8080,
        allow_negative_numbers = true
    )]
    pub port: i64,
    /// Directory for the database and the embedded network's deployment file.
    #[arg(long, env = "TEACHLINK_DATA_DIR", default_value = ".teachlink")]
    pub data_dir: PathBuf,
    /// Where indexed data is kept: `sqlite://<path>` (default `sqlite://<data-dir>/teachlink.db`),
    /// `sqlite::memory:` or `postgres://user:password@host/db`. With the embedded localnet
    /// (a new chain every run) a SQLite file is emptied at start.
    #[arg(long, env = "TEACHLINK_DATABASE_URL")]
    pub database_url: Option<String>,
    /// The built web app to serve at `/` (default `web-app/dist` of the workspace).
    #[arg(long, env = "TEACHLINK_WEB_DIR")]
    pub web_dir: Option<PathBuf>,

    /// Stellar RPC endpoint of a real network; without it an embedded localnet runs.
    /// Repeat it (or separate URLs with commas) for failover: the indexer uses the first
    /// that works and serves the configured network, and switches when it fails or lags
    /// the others by more than `--rpc-lag-switch` ledgers. An endpoint of another network
    /// (its `getNetwork` passphrase) is refused, never used.
    #[arg(long, env = "TEACHLINK_RPC_URL", value_delimiter = ',')]
    pub rpc_url: Vec<String>,
    /// Switch RPC endpoints when the one in use is this many ledgers behind another.
    #[arg(long, env = "TEACHLINK_RPC_LAG_SWITCH", default_value_t = 5)]
    pub rpc_lag_switch: u32,
    /// The network's passphrase; checked against the RPC's and the deployment file's.
    #[arg(long, env = "TEACHLINK_NETWORK_PASSPHRASE")]
    pub network_passphrase: Option<String>,
    /// Contract ids by name: `escrow=C…,content=C…,reputation=C…,rewards=C…`.
    #[arg(
        long,
        env = "TEACHLINK_CONTRACTS",
        value_delimiter = ',',
        conflicts_with = "deployment_file"
    )]
    pub contracts: Vec<String>,
    /// A deployment file as `teachlink-localnet --deployment-file` writes it (JSON with
    /// `contracts`, `start_ledger` and optionally `network_passphrase`).
    #[arg(long, env = "TEACHLINK_DEPLOYMENT_FILE")]
    pub deployment_file: Option<PathBuf>,
    /// First ledger to index (required with `--contracts`; overrides the file's).
    #[arg(long, env = "TEACHLINK_START_LEDGER")]
    pub start_ledger: Option<u32>,

    /// Port of the embedded localnet's JSON-RPC and friendbot; 0 picks a free one.
    #[arg(
        long,
        env = "TEACHLINK_LOCALNET_PORT",
        default_value_t = 8000,
        allow_negative_numbers = true
    )]
    pub localnet_port: i64,
    /// Milliseconds between the embedded localnet's ledger closes.
    #[arg(long, env = "TEACHLINK_LEDGER_CLOSE_MS", default_value_t = 1000)]
    pub ledger_close_ms: u64,
    /// The contracts' Wasm for the embedded localnet (default
    /// `target/wasm32v1-none/contract`, built by scripts/build-contracts.sh).
    #[arg(long, env = "TEACHLINK_WASM_DIR")]
    pub wasm_dir: Option<PathBuf>,
    /// Do not create the demo data set on the embedded localnet.
    #[arg(long, env = "TEACHLINK_NO_DEMO")]
    pub no_demo: bool,
    /// An origin (`https://app.example`) whose web pages may call the embedded localnet's
    /// JSON-RPC and friendbot (CORS), besides localhost's and the server's own. Repeat it,
    /// or separate origins with commas.
    #[arg(
        long = "cors-origin",
        env = "TEACHLINK_CORS_ORIGINS",
        value_delimiter = ',',
        value_name = "ORIGIN"
    )]
    pub cors_origins: Vec<String>,

    /// Milliseconds between polls of the RPC once the indexer has caught up.
    #[arg(long, env = "TEACHLINK_POLL_INTERVAL_MS", default_value_t = 1000)]
    pub poll_interval_ms: u64,
    /// Events per `getEvents` page.
    #[arg(long, env = "TEACHLINK_PAGE_LIMIT", default_value_t = 1000)]
    pub page_limit: u32,
    /// /health is degraded when the indexer is more than this many ledgers behind.
    #[arg(long, env = "TEACHLINK_HEALTH_LAG_DEGRADED", default_value_t = 10)]
    pub health_lag_degraded: u32,
    /// /health is an error when the indexer is more than this many ledgers behind
    /// (default: never, a long backfill is not an outage).
    #[arg(long, env = "TEACHLINK_HEALTH_LAG_ERROR")]
    pub health_lag_error: Option<u32>,
    /// Timeout of the health checks' RPC `getHealth` and database ping, in milliseconds.
    #[arg(long, env = "TEACHLINK_HEALTH_TIMEOUT_MS", default_value_t = 1000)]
    pub health_timeout_ms: u64,

    /// Never index: serve the API from what other replicas write to the database.
    #[arg(long, env = "TEACHLINK_READ_ONLY")]
    pub read_only: bool,
    /// Milliseconds between attempts to take the database's indexing lock while another
    /// replica holds it (only the holder indexes).
    #[arg(long, env = "TEACHLINK_LOCK_RETRY_MS", default_value_t = 5000)]
    pub lock_retry_ms: u64,
    /// Bootstrap an empty store from this snapshot (a file, or the URL of another
    /// server's `/api/snapshot`), verified, before syncing on from the RPC; ignored when
    /// the store already holds data. A snapshot that fails verification stops the start.
    #[arg(long, env = "TEACHLINK_SNAPSHOT")]
    pub snapshot: Option<String>,
    /// The SHA-256 the snapshot must have (as published beside it), if known.
    #[arg(long, env = "TEACHLINK_SNAPSHOT_SHA256", requires = "snapshot")]
    pub snapshot_sha256: Option<String>,
    /// Seconds a snapshot download (`--snapshot` URL) may take in all before the start
    /// fails.
    #[arg(long, env = "TEACHLINK_SNAPSHOT_TIMEOUT_SECS", default_value_t = 600)]
    pub snapshot_timeout_secs: u64,
    /// Seconds `GET /api/snapshot` serves one export to every request before making
    /// another (while the store has not moved it serves it regardless): an export reads
    /// the whole store, so new browsers arriving together share one.
    #[arg(long, env = "TEACHLINK_SNAPSHOT_MAX_AGE_SECS", default_value_t = 30)]
    pub snapshot_max_age_secs: u64,

    /// Milliseconds a connection has to send a request's headers (idle keep-alive
    /// connections included): a slow or silent client is disconnected after it.
    #[arg(long, env = "TEACHLINK_HEADER_TIMEOUT_MS", default_value_t = 5000)]
    pub header_timeout_ms: u64,
    /// Milliseconds a request may take, body and answer included (408 after it).
    #[arg(long, env = "TEACHLINK_REQUEST_TIMEOUT_MS", default_value_t = 30000)]
    pub request_timeout_ms: u64,
    /// Requests served at once; more are refused at once with 503 and `Retry-After`.
    #[arg(long, env = "TEACHLINK_MAX_CONCURRENT_REQUESTS", default_value_t = 512)]
    pub max_concurrent_requests: usize,
    /// Milliseconds connections get to finish their request at shutdown before they
    /// are closed.
    #[arg(long, env = "TEACHLINK_SHUTDOWN_GRACE_MS", default_value_t = 3000)]
    pub shutdown_grace_ms: u64,
}

/// Something wrong in the configuration.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{flag} must be a port number between 0 and 65535, not {value}")]
    PortOutOfRange { flag: &'static str, value: i64 },
    #[error("--host {0:?} is not an IP address")]
    InvalidHost(String),
    #[error("--rpc-url {url:?} is not a usable RPC URL: {reason}")]
    InvalidRpcUrl { url: String, reason: String },
    #[error("--database-url {url:?} is not supported: {reason}")]
    InvalidDatabaseUrl { url: String, reason: String },
    #[error("--contracts entry {0:?} is not name=C… (e.g. escrow=CA…)")]
    InvalidContractEntry(String),
    #[error("contract {name}: {id:?} is not a contract id (C… strkey)")]
    InvalidContractId { name: String, id: String },
    #[error("contract {0} is given twice")]
    DuplicateContract(String),
    #[error("{0} contracts given; the indexer follows between 1 and 5 (one getEvents filter)")]
    ContractCount(usize),
    #[error("--rpc-url needs the contracts: pass --contracts or --deployment-file")]
    MissingDeployment,
    #[error("--contracts needs --start-ledger (the ledger of the first deployment transaction)")]
    MissingStartLedger,
    #[error("--start-ledger must be positive")]
    ZeroStartLedger,
    #[error("{flag} only applies to a real network: pass --rpc-url too")]
    NeedsRpcUrl { flag: &'static str },
    #[error("{flag} only applies to the embedded localnet, not with --rpc-url")]
    LocalnetOnly { flag: &'static str },
    #[error("--cors-origin {origin:?} is not an origin (scheme://host[:port]): {reason}")]
    InvalidCorsOrigin { origin: String, reason: String },
    #[error("cannot read the deployment file {path}: {reason}")]
    DeploymentFile { path: PathBuf, reason: String },
    #[error(
        "network passphrase mismatch: --network-passphrase is {given:?} but the deployment \
         {source_name} is for {found:?}; its contract ids belong to that network"
    )]
    PassphraseMismatch {
        given: String,
        found: String,
        source_name: String,
    },
    #[error("--ledger-close-ms must be positive")]
    ZeroLedgerClose,
    #[error("--page-limit must be between 1 and 10000, not {0}")]
    PageLimit(u32),
}

/// A validated configuration.
#[derive(Clone, Debug)]
pub struct Config {
    pub host: IpAddr,
    pub port: u16,
    pub data_dir: PathBuf,
    pub database: DatabaseUrl,
    /// The web app's directory; a missing one is served as a "not built" notice.
    pub web_dir: PathBuf,
    pub network: Network,
    pub indexer: IndexerOptions,
    pub health: HealthThresholds,
    /// How long `GET /api/snapshot` serves one export (see [`crate::snapshot::SnapshotCache`]).
    pub snapshot_max_age: Duration,
    /// Timeouts and the concurrency cap of the HTTP server.
    pub http: HttpLimits,
}

/// What slow or numerous clients may take of the HTTP server (see [`crate::serve`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpLimits {
    /// A connection's time to send a request's headers, idle keep-alive time included.
    pub header_timeout: Duration,
    /// A request's time, body and answer included.
    pub request_timeout: Duration,
    /// Requests in flight; more are shed with 503 and `Retry-After`.
    pub max_concurrent_requests: usize,
    /// At shutdown, how long open connections may finish before they are closed.
    pub shutdown_grace: Duration,
}

/// Where indexed data is kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A private in-memory SQLite database (`sqlite::memory:`).
    SqliteMemory,
    /// A PostgreSQL connection URL, as given.
    Postgres(String),
}

/// The network to index.
#[derive(Clone, Debug)]
pub enum Network {
    /// An embedded localnet, started in-process, fresh on every run.
    Localnet(LocalnetOptions),
    /// A real network behind Stellar RPC.
    Rpc(RpcNetwork),
}

/// How to run the embedded localnet.
#[derive(Clone, Debug)]
pub struct LocalnetOptions {
    pub port: u16,
    pub ledger_close: Duration,
    pub wasm_dir: PathBuf,
    pub demo: bool,
    /// Origins whose pages may call the localnet (CORS), besides localhost's and the
    /// server's own; each `scheme://host[:port]`.
    pub cors_origins: Vec<String>,
}

/// A real network.
#[derive(Clone, Debug)]
pub struct RpcNetwork {
    /// The first endpoint; the indexer starts there.
    pub rpc_url: String,
    /// More endpoints of the same network, in order, for failover.
    pub fallback_rpc_urls: Vec<String>,
    /// Switch when the endpoint in use is this many ledgers behind another.
    pub lag_switch: u32,
    /// When known (flag or deployment file), checked against the RPC's at start.
    pub network_passphrase: Option<String>,
    pub deployment: Deployment,
}

/// How the indexer syncs.
#[derive(Clone, Debug)]
pub struct IndexerOptions {
    pub poll_interval: Duration,
    pub page_limit: u32,
    /// Retries inside one sync step (then the step fails and is counted as an error).
    pub backoff: Backoff,
    /// Waits between failed steps: from `backoff.initial`, doubling up to this.
    pub max_step_delay: Duration,
    /// How often backfill progress is logged.
    pub progress_every: Duration,
    /// Never take the indexing lock (`--read-only`).
    pub read_only: bool,
    /// Between attempts to take the indexing lock while another replica holds it.
    pub lock_retry: Duration,
    /// Where to bootstrap an empty store from (`--snapshot`), and its pinned SHA-256.
    pub snapshot: Option<SnapshotSource>,
}

/// A snapshot to bootstrap from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotSource {
    /// A file path, or an `http(s)://` URL.
    pub location: String,
    pub sha256: Option<String>,
    /// How long a download may take, connection to last byte: a peer that stops answering
    /// must not hang the start for ever.
    pub timeout: Duration,
}

/// When /health turns degraded or error.
#[derive(Clone, Debug)]
pub struct HealthThresholds {
    /// Lag above this many ledgers is degraded.
    pub lag_degraded: u32,
    /// Lag above this many ledgers is an error (None: never).
    pub lag_error: Option<u32>,
    /// Timeout of the RPC `getHealth` and the database ping.
    pub timeout: Duration,
}

impl Default for HealthThresholds {
    fn default() -> Self {
        HealthThresholds {
            lag_degraded: 10,
            lag_error: None,
            timeout: Duration::from_secs(1),
        }
    }
}

/// The deployment file: localnet's format (extra fields ignored).
#[derive(Deserialize)]
struct DeploymentFile {
    #[serde(default)]
    network_passphrase: Option<String>,
    contracts: BTreeMap<String, String>,
    start_ledger: u32,
}

fn check_port(flag: &'static str, value: i64) -> Result<u16, ConfigError> {
    u16::try_from(value).map_err(|_| ConfigError::PortOutOfRange { flag, value })
}

/// Checks a CORS origin: http or https, a host, nothing after the port. Returns it as
/// browsers send it in `Origin` (`scheme://host[:port]`, lowercase, default port left out).
pub fn validate_origin(origin: &str) -> Result<String, ConfigError> {
    let invalid = |reason: &str| ConfigError::InvalidCorsOrigin {
        origin: origin.to_string(),
        reason: reason.to_string(),
    };
    let parsed = reqwest::Url::parse(origin.trim()).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(invalid("no host"));
    }
    if parsed.path() != "/" || parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid("an origin has no path, query or fragment"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(invalid("an origin has no user or password"));
    }
    Ok(parsed.origin().ascii_serialization())
}

/// Checks an RPC URL: absolute, http or https, with a host.
pub fn validate_rpc_url(url: &str) -> Result<String, ConfigError> {
    let invalid = |reason: &str| ConfigError::InvalidRpcUrl {
        url: url.to_string(),
        reason: reason.to_string(),
    };
    let parsed = reqwest::Url::parse(url).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(invalid("no host"));
    }
    Ok(parsed.to_string())
}

impl DatabaseUrl {
    /// Parses `sqlite://<path>` (also `sqlite:<path>`) or `postgres://…`/`postgresql://…`.
    pub fn parse(url: &str) -> Result<Self, ConfigError> {
        let invalid = |reason: &str| ConfigError::InvalidDatabaseUrl {
            url: url.to_string(),
            reason: reason.to_string(),
        };
        if url == "sqlite::memory:" || url == "sqlite://:memory:" {
            return Ok(DatabaseUrl::SqliteMemory);
        }
        if let Some(rest) = url.strip_prefix("sqlite:") {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            // Query parameters (e.g. ?mode=rwc) are the driver's business, not the path's.
            let path = path.split('?').next().unwrap_or_default();
            if path.is_empty() {
                return Err(invalid("no file path after sqlite://"));
            }
            return Ok(DatabaseUrl::Sqlite(PathBuf::from(path)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let parsed = reqwest::Url::parse(url).map_err(|e| invalid(&e.to_string()))?;
            if parsed.host_str().is_none_or(str::is_empty) {
                return Err(invalid("no host"));
            }
            return Ok(DatabaseUrl::Postgres(url.to_string()));
        }
        Err(invalid("use sqlite://<path> or postgres://…"))
    }

    /// The connection URL (`sqlite://<path>`, `sqlite::memory:` or the PostgreSQL URL).
    pub fn url(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(p) => format!("sqlite://{}", p.display()),
            DatabaseUrl::SqliteMemory => "sqlite::memory:".to_string(),
            DatabaseUrl::Postgres(url) => url.clone(),
        }
    }

    /// The URL without a password, for logs.
    pub fn redacted(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(_) | DatabaseUrl::SqliteMemory => self.url(),
            DatabaseUrl::Postgres(url) => match reqwest::Url::parse(url) {
                Ok(mut u) if u.password().is_some() => {
                    let _ = u.set_password(Some("***"));
                    u.to_string()
                }
                _ => url.clone(),
            },
        }
    }
}

/// Validates a contract map: names unique, ids C… strkeys, 1 to 5 of them.
fn validate_contracts(
    contracts: impl IntoIterator<Item = (String, String)>,
) -> Result<BTreeMap<String, String>, ConfigError> {
    let mut out = BTreeMap::new();
    for (name, id) in contracts {
        let name = name.trim().to_string();
        let id = id.trim().to_string();
        match id.parse::<Address>() {
            Ok(Address::Contract(_)) => {}
            _ => return Err(ConfigError::InvalidContractId { name, id }),
        }
        if out.insert(name.clone(), id).is_some() {
            return Err(ConfigError::DuplicateContract(name));
        }
    }
    if out.is_empty() || out.len() > 5 {
        return Err(ConfigError::ContractCount(out.len()));
    }
    Ok(out)
}

/// A path relative to the working directory when it exists there, else relative to the
/// workspace this binary was built from (so `cargo run` works from any directory).
fn workspace_path(relative: &str) -> PathBuf {
    let here = PathBuf::from(relative);
    if here.exists() {
        return here;
    }
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative);
    if workspace.exists() {
        return workspace;
    }
    here
}

/// `target/wasm32v1-none/contract`, honouring `CARGO_TARGET_DIR`.
pub fn default_wasm_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(target) => PathBuf::from(target).join("wasm32v1-none/contract"),
        None => workspace_path("target/wasm32v1-none/contract"),
    }
}

/// `web-app/dist` of the workspace.
pub fn default_web_dir() -> PathBuf {
    workspace_path("web-app/dist")
}

impl Config {
    /// Validates parsed arguments.
    pub fn from_args(args: Args) -> Result<Config, ConfigError> {
        let host: IpAddr = args
            .host
            .parse()
            .map_err(|_| ConfigError::InvalidHost(args.host.clone()))?;
        let port = check_port("--port", args.port)?;
        let database = match &args.database_url {
            Some(url) => DatabaseUrl::parse(url)?,
            None => DatabaseUrl::Sqlite(args.data_dir.join("teachlink.db")),
        };
        if args.page_limit == 0 || args.page_limit > 10_000 {
            return Err(ConfigError::PageLimit(args.page_limit));
        }
        if args.start_ledger == Some(0) {
            return Err(ConfigError::ZeroStartLedger);
        }
        let urls: Vec<&String> = args
            .rpc_url
            .iter()
            .filter(|u| !u.trim().is_empty())
            .collect();
        let network = match urls.first() {
            None => {
                if !args.contracts.is_empty() {
                    return Err(ConfigError::NeedsRpcUrl {
                        flag: "--contracts",
                    });
                }
                if args.deployment_file.is_some() {
                    return Err(ConfigError::NeedsRpcUrl {
                        flag: "--deployment-file",
                    });
                }
                if args.start_ledger.is_some() {
                    return Err(ConfigError::NeedsRpcUrl {
                        flag: "--start-ledger",
                    });
                }
                if args.network_passphrase.is_some() {
                    return Err(ConfigError::NeedsRpcUrl {
                        flag: "--network-passphrase",
                    });
                }
                if args.ledger_close_ms == 0 {
                    return Err(ConfigError::ZeroLedgerClose);
                }
                let mut cors_origins = args
                    .cors_origins
                    .iter()
                    .filter(|o| !o.trim().is_empty())
                    .map(|o| validate_origin(o))
                    .collect::<Result<Vec<_>, _>>()?;
                // The server's own pages (the web app) call the localnet from the browser.
                if port != 0 && !host.is_unspecified() {
                    let own = match host {
                        IpAddr::V4(ip) => format!("http://{ip}:{port}"),
                        IpAddr::V6(ip) => format!("http://[{ip}]:{port}"),
                    };
                    cors_origins.push(own);
                }
                Network::Localnet(LocalnetOptions {
                    port: check_port("--localnet-port", args.localnet_port)?,
                    ledger_close: Duration::from_millis(args.ledger_close_ms),
                    wasm_dir: args.wasm_dir.clone().unwrap_or_else(default_wasm_dir),
                    demo: !args.no_demo,
                    cors_origins,
                })
            }
            Some(url) => {
                if args.cors_origins.iter().any(|o| !o.trim().is_empty()) {
                    return Err(ConfigError::LocalnetOnly {
                        flag: "--cors-origin",
                    });
                }
                Network::Rpc(rpc_network(&args, url)?)
            }
        };
        Ok(Config {
            host,
            port,
            data_dir: args.data_dir.clone(),
            database,
            web_dir: args.web_dir.clone().unwrap_or_else(default_web_dir),
            network,
            indexer: IndexerOptions {
                poll_interval: Duration::from_millis(args.poll_interval_ms.max(1)),
                page_limit: args.page_limit,
                backoff: Backoff {
                    max_attempts: Some(3),
                    ..Backoff::default()
                },
                max_step_delay: Duration::from_secs(30),
                progress_every: Duration::from_secs(5),
                read_only: args.read_only,
                lock_retry: Duration::from_millis(args.lock_retry_ms.max(1)),
                snapshot: args.snapshot.clone().map(|location| SnapshotSource {
                    location,
                    sha256: args.snapshot_sha256.clone(),
                    timeout: Duration::from_secs(args.snapshot_timeout_secs.max(1)),
                }),
            },
            health: HealthThresholds {
                lag_degraded: args.health_lag_degraded,
                lag_error: args.health_lag_error,
                timeout: Duration::from_millis(args.health_timeout_ms.max(1)),
            },
            snapshot_max_age: Duration::from_secs(args.snapshot_max_age_secs),
            http: HttpLimits {
                header_timeout: Duration::from_millis(args.header_timeout_ms.max(1)),
                request_timeout: Duration::from_millis(args.request_timeout_ms.max(1)),
                max_concurrent_requests: args.max_concurrent_requests.max(1),
                shutdown_grace: Duration::from_millis(args.shutdown_grace_ms),
            },
        })
    }

    /// An embedded localnet on free ports with fast ledger closes, polling and retries, the
    /// demo data set, data in `data_dir` and no web app: what in-process tests want.
    pub fn for_tests(data_dir: impl Into<PathBuf>) -> Config {
        let data_dir = data_dir.into();
        Config {
            host: IpAddr::from([127, 0, 0, 1]),
            port: 0,
            database: DatabaseUrl::Sqlite(data_dir.join("teachlink.db")),
            web_dir: data_dir.join("no-web-app"),
            data_dir,
            network: Network::Localnet(LocalnetOptions {
                port: 0,
                ledger_close: Duration::from_millis(250),
                wasm_dir: default_wasm_dir(),
                demo: true,
                cors_origins: Vec::new(),
            }),
            indexer: IndexerOptions {
                poll_interval: Duration::from_millis(50),
                page_limit: 1_000,
                backoff: Backoff {
                    initial: Duration::from_millis(20),
                    max: Duration::from_millis(100),
                    max_attempts: Some(2),
                },
                max_step_delay: Duration::from_millis(200),
                progress_every: Duration::from_secs(5),
                read_only: false,
                lock_retry: Duration::from_millis(200),
                snapshot: None,
            },
            health: HealthThresholds {
                lag_degraded: 10,
                lag_error: None,
                timeout: Duration::from_millis(500),
            },
            // Exact: a test reading a snapshot after new events gets them.
            snapshot_max_age: Duration::ZERO,
            http: HttpLimits {
                header_timeout: Duration::from_secs(5),
                request_timeout: Duration::from_secs(30),
                max_concurrent_requests: 512,
                shutdown_grace: Duration::from_secs(3),
            },
        }
    }
}

fn rpc_network(args: &Args, url: &str) -> Result<RpcNetwork, ConfigError> {
    let rpc_url = validate_rpc_url(url.trim())?;
    let (contracts, start_ledger, file_passphrase) = if !args.contracts.is_empty() {
        let pairs = args
            .contracts
            .iter()
            .filter(|e| !e.trim().is_empty())
            .map(|entry| {
                entry
                    .split_once('=')
                    .map(|(n, id)| (n.to_string(), id.to_string()))
                    .filter(|(n, id)| !n.trim().is_empty() && !id.trim().is_empty())
                    .ok_or_else(|| ConfigError::InvalidContractEntry(entry.clone()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let start = args.start_ledger.ok_or(ConfigError::MissingStartLedger)?;
        (validate_contracts(pairs)?, start, None)
    } else if let Some(path) = &args.deployment_file {
        let fail = |reason: String| ConfigError::DeploymentFile {
            path: path.clone(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
        let file: DeploymentFile = serde_json::from_str(&text).map_err(|e| fail(e.to_string()))?;
        let start = args.start_ledger.unwrap_or(file.start_ledger);
        if start == 0 {
            return Err(ConfigError::ZeroStartLedger);
        }
        (
            validate_contracts(file.contracts)?,
            start,
            file.network_passphrase
                .map(|p| (p, path.display().to_string())),
        )
    } else {
        return Err(ConfigError::MissingDeployment);
    };
    let network_passphrase = match (&args.network_passphrase, file_passphrase) {
        (Some(given), Some((found, file))) if *given != found => {
            return Err(ConfigError::PassphraseMismatch {
                given: given.clone(),
                found,
                source_name: format!("file {file}"),
            })
        }
        (Some(given), _) => Some(given.clone()),
        (None, found) => found.map(|(p, _)| p),
    };
    let mut fallback_rpc_urls = Vec::new();
    for u in args.rpc_url.iter().filter(|u| !u.trim().is_empty()).skip(1) {
        let u = validate_rpc_url(u.trim())?;
        if u != rpc_url && !fallback_rpc_urls.contains(&u) {
            fallback_rpc_urls.push(u);
        }
    }
    Ok(RpcNetwork {
        rpc_url,
        fallback_rpc_urls,
        lag_switch: args.rpc_lag_switch,
        network_passphrase,
        deployment: Deployment {
            contracts,
            start_ledger,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Config, ConfigError> {
        let mut argv = vec!["teachlink-server"];
        argv.extend_from_slice(args);
        Config::from_args(Args::try_parse_from(argv).expect("clap accepts the arguments"))
    }

    fn escrow() -> String {
        format!("escrow={}", Address::Contract([7; 32]))
    }

    #[test]
    fn no_flags_is_an_embedded_localnet_with_sqlite_in_the_data_dir() {
        let c = parse(&[]).expect("defaults are valid");
        assert_eq!(c.port, 8080);
        assert_eq!(
            c.database,
            DatabaseUrl::Sqlite(PathBuf::from(".teachlink/teachlink.db"))
        );
        let Network::Localnet(l) = c.network else {
            panic!("embedded by default")
        };
        assert!(l.demo && l.port == 8000);
    }

    /// Issue 17: `--cors-origin` reaches the embedded localnet (with the server's own
    /// origin), bad origins are typed errors, and it is refused with a real network.
    #[test]
    fn cors_origins_are_checked_and_passed_to_the_embedded_localnet() {
        let c = parse(&[
            "--host",
            "10.1.2.3",
            "--port",
            "9090",
            "--cors-origin",
            "https://App.Example/,http://b.example:8443",
        ])
        .expect("valid");
        let Network::Localnet(l) = c.network else {
            panic!("embedded")
        };
        assert_eq!(
            l.cors_origins,
            [
                "https://app.example",
                "http://b.example:8443",
                "http://10.1.2.3:9090"
            ]
        );
        // Port 0 or every interface: the server's origin is not known here.
        let Network::Localnet(l) = parse(&["--host", "0.0.0.0"]).expect("valid").network else {
            panic!("embedded")
        };
        assert!(l.cors_origins.is_empty(), "{:?}", l.cors_origins);
        for bad in [
            "ftp://a.example",
            "https://a.example/path",
            "not a url",
            "https://",
        ] {
            assert!(
                matches!(
                    parse(&["--cors-origin", bad]),
                    Err(ConfigError::InvalidCorsOrigin { .. })
                ),
                "{bad}"
            );
        }
        assert!(matches!(
            parse(&[
                "--rpc-url",
                "http://rpc.example/",
                "--contracts",
                &escrow(),
                "--start-ledger",
                "5",
                "--cors-origin",
                "https://app.example"
            ]),
            Err(ConfigError::LocalnetOnly {
                flag: "--cors-origin"
            })
        ));
    }

    #[test]
    fn read_only_and_the_lock_retry_are_flags() {
        let c = parse(&[]).expect("defaults are valid");
        assert!(!c.indexer.read_only);
        assert_eq!(c.indexer.lock_retry, Duration::from_secs(5));
        let c = parse(&["--read-only", "--lock-retry-ms", "250"]).expect("valid");
        assert!(c.indexer.read_only);
        assert_eq!(c.indexer.lock_retry, Duration::from_millis(250));
    }

    #[test]
    fn ports_out_of_range_are_typed_errors() {
        assert!(matches!(
            parse(&["--port", "70000"]),
            Err(ConfigError::PortOutOfRange {
                flag: "--port",
                value: 70000
            })
        ));
        assert!(matches!(
            parse(&["--port", "-1"]),
            Err(ConfigError::PortOutOfRange { .. })
        ));
        assert!(matches!(
            parse(&["--localnet-port", "65536"]),
            Err(ConfigError::PortOutOfRange {
                flag: "--localnet-port",
                ..
            })
        ));
    }

    #[test]
    fn several_rpc_urls_are_failover_endpoints() {
        let c = parse(&[
            "--rpc-url",
            "http://a.example/,http://b.example/",
            "--rpc-url",
            "http://c.example/",
            "--rpc-url",
            "http://a.example/",
            "--contracts",
            &escrow(),
            "--start-ledger",
            "5",
            "--rpc-lag-switch",
            "12",
        ])
        .expect("valid");
        let Network::Rpc(rpc) = c.network else {
            panic!("a real network")
        };
        assert_eq!(rpc.rpc_url, "http://a.example/");
        assert_eq!(
            rpc.fallback_rpc_urls,
            ["http://b.example/", "http://c.example/"],
            "in order, without duplicates"
        );
        assert_eq!(rpc.lag_switch, 12);
        assert!(matches!(
            parse(&[
                "--rpc-url",
                "http://a.example/,ftp://b.example/",
                "--contracts",
                &escrow(),
                "--start-ledger",
                "5"
            ]),
            Err(ConfigError::InvalidRpcUrl { .. })
        ));
    }

    #[test]
    fn bad_urls_are_typed_errors() {
        assert!(matches!(
            parse(&[
                "--rpc-url",
                "not a url",
                "--contracts",
                &escrow(),
                "--start-ledger",
                "5"
            ]),
            Err(ConfigError::InvalidRpcUrl { .. })
        ));
        assert!(matches!(
            parse(&[
                "--rpc-url",
                "ftp://rpc.example",
                "--contracts",
                &escrow(),
                "--start-ledger",
                "5"
            ]),
            Err(ConfigError::InvalidRpcUrl { .. })
        ));
        assert!(matches!(
            parse(&["--database-url", "mysql://db/x"]),
            Err(ConfigError::InvalidDatabaseUrl { .. })
        ));
        assert_eq!(
            DatabaseUrl::parse("sqlite::memory:").expect("valid"),
            DatabaseUrl::SqliteMemory
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///var/lib/teachlink.db?mode=rwc")
                .expect("valid")
                .url(),
            "sqlite:///var/lib/teachlink.db"
        );
        assert_eq!(
            DatabaseUrl::parse("postgres://u:secret@db:5432/teachlink")
                .expect("valid")
                .redacted(),
            "postgres://u:***@db:5432/teachlink"
        );
    }

    #[test]
    fn contracts_are_checked() {
        let c = parse(&[
            "--rpc-url",
            "https://soroban-testnet.stellar.org",
            "--contracts",
            &escrow(),
            "--start-ledger",
            "7",
        ])
        .expect("valid");
        let Network::Rpc(r) = c.network else {
            panic!("rpc")
        };
        assert_eq!(r.deployment.start_ledger, 7);
        assert!(matches!(
            parse(&[
                "--rpc-url",
                "http://x",
                "--contracts",
                "escrow=GABC",
                "--start-ledger",
                "7"
            ]),
            Err(ConfigError::InvalidContractId { .. })
        ));
        assert!(matches!(
            parse(&["--rpc-url", "http://x", "--contracts", &escrow()]),
            Err(ConfigError::MissingStartLedger)
        ));
        assert!(matches!(
            parse(&["--rpc-url", "http://x"]),
            Err(ConfigError::MissingDeployment)
        ));
        assert!(matches!(
            parse(&["--contracts", &escrow()]),
            Err(ConfigError::NeedsRpcUrl { .. })
        ));
    }

    #[test]
    fn a_passphrase_that_contradicts_the_deployment_file_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("deployment.json");
        std::fs::write(
            &file,
            format!(
                r#"{{"network_passphrase":"Standalone Network ; February 2017","admin":"G","native_asset":"C","contracts":{{"escrow":"{}"}},"start_ledger":3}}"#,
                Address::Contract([7; 32])
            ),
        )
        .expect("write");
        let file = file.to_string_lossy().to_string();
        let ok = parse(&[
            "--rpc-url",
            "http://127.0.0.1:8000/",
            "--deployment-file",
            &file,
        ])
        .expect("valid");
        let Network::Rpc(r) = ok.network else {
            panic!("rpc")
        };
        assert_eq!(
            r.network_passphrase.as_deref(),
            Some("Standalone Network ; February 2017")
        );
        assert!(matches!(
            parse(&[
                "--rpc-url",
                "http://127.0.0.1:8000/",
                "--deployment-file",
                &file,
                "--network-passphrase",
                "Test SDF Network ; September 2015"
            ]),
            Err(ConfigError::PassphraseMismatch { .. })
        ));
    }
}
