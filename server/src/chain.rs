//! Owns the embedded localnet: starting it in-process, deploying the TeachLink contracts
//! with real transactions, writing where they landed to `<data-dir>/deployment.json`, and
//! creating the demo data set in the background.
//!
//! The chain is ephemeral: every start is a fresh network (genesis, contracts, demo), so
//! nothing of an earlier run is resumed and the store is opened empty. The contract ids are
//! still the same on every run (fixed deployer and salts, same passphrase).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

use teachlink_localnet::{deploy_teachlink, Deployment, Localnet, LocalnetError, LocalnetHandle};
use tokio::sync::watch;

use crate::config::LocalnetOptions;
use crate::demo::{self, DemoState};

/// A failure to bring the embedded network up.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    #[error("cannot start the embedded localnet on port {port}: {source}")]
    Start {
        port: u16,
        #[source]
        source: LocalnetError,
    },
    #[error(
        "the contracts' Wasm is not in {0} (build it with scripts/build-contracts.sh, or pass --wasm-dir)"
    )]
    MissingWasm(PathBuf),
    #[error("deploying the TeachLink contracts failed: {0}")]
    Deploy(#[source] LocalnetError),
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// The running embedded network.
pub struct Embedded {
    pub handle: Arc<LocalnetHandle>,
    pub deployment: Deployment,
    pub deployment_file: PathBuf,
}

/// Starts localnet with a ledger every `options.ledger_close`, deploys the contracts and
/// writes the deployment file into `data_dir`. Blocking (runs the host): call it off the
/// async runtime.
pub fn start(options: &LocalnetOptions, data_dir: &Path) -> Result<Embedded, ChainError> {
    let wasm = options.wasm_dir.join("teachlink_escrow.wasm");
    if !wasm.is_file() {
        return Err(ChainError::MissingWasm(options.wasm_dir.clone()));
    }
    let config = teachlink_localnet::Config {
        port: options.port,
        close_interval: Some(options.ledger_close),
        state_file: None,
        cors_origins: options.cors_origins.clone(),
        ..teachlink_localnet::Config::default()
    };
    let handle = Localnet::start(config).map_err(|source| ChainError::Start {
        port: options.port,
        source,
    })?;
    let deployment = handle
        .with_node(|n| deploy_teachlink(n, &options.wasm_dir))
        .map_err(ChainError::Deploy)?
        .map_err(ChainError::Deploy)?;
    let deployment_file = data_dir.join("deployment.json");
    let json = serde_json::to_string_pretty(&deployment).unwrap_or_default() + "\n";
    std::fs::write(&deployment_file, json).map_err(|source| ChainError::Write {
        path: deployment_file.clone(),
        source,
    })?;
    Ok(Embedded {
        handle: Arc::new(handle),
        deployment,
        deployment_file,
    })
}

/// The demo running on its own thread.
pub struct DemoThread {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl DemoThread {
    /// Asks the demo to stop after its current transaction and waits for it.
    pub fn stop_and_join(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            if t.join().is_err() {
                tracing::error!("the demo thread panicked");
            }
        }
    }
}

/// Creates the demo data set on a thread of its own, publishing its progress to `state`.
pub fn spawn_demo(
    chain: &Embedded,
    state: watch::Sender<Option<DemoState>>,
) -> std::io::Result<DemoThread> {
    let stop = Arc::new(AtomicBool::new(false));
    let handle = chain.handle.clone();
    let deployment = chain.deployment.clone();
    let stopping = stop.clone();
    let thread = std::thread::Builder::new()
        .name("teachlink-demo".into())
        .spawn(move || {
            state.send_replace(Some(DemoState::Running { transactions: 0 }));
            let started = std::time::Instant::now();
            let outcome = demo::run(
                &handle,
                &deployment,
                &|| stopping.load(Ordering::Relaxed),
                &|transactions| {
                    state.send_replace(Some(DemoState::Running { transactions }));
                },
            );
            let final_state = match outcome {
                Ok(done) => {
                    if let DemoState::Done {
                        transactions,
                        events,
                        ..
                    } = &done
                    {
                        tracing::info!(
                            transactions,
                            events,
                            seconds = format!("{:.1}", started.elapsed().as_secs_f64()),
                            "demo data set created"
                        );
                    }
                    done
                }
                Err(demo::DemoError::Stopped) => DemoState::Stopped,
                Err(e) => {
                    tracing::error!(error = %e, "the demo data set failed");
                    DemoState::Failed {
                        error: e.to_string(),
                    }
                }
            };
            state.send_replace(Some(final_state));
        })?;
    Ok(DemoThread {
        stop,
        thread: Some(thread),
    })
}
