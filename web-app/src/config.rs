//! Owns where the app reads the chain from: the RPC URL, the network passphrase and the
//! TeachLink contracts, as the serving TeachLink server reports them at `/api/status`;
//! transactions go to the same RPC, network and contracts.

use std::cell::RefCell;

use serde::Deserialize;
use teachlink_indexer::sync::Deployment;

thread_local! {
    /// What the sync loop loaded, for the forms that send transactions.
    static LOADED: RefCell<Option<AppConfig>> = const { RefCell::new(None) };
}

/// Keeps the loaded configuration for [`loaded`].
pub fn set_loaded(config: AppConfig) {
    LOADED.with(|c| *c.borrow_mut() = Some(config));
}

/// The configuration, once the sync loop has loaded it.
pub fn loaded() -> Option<AppConfig> {
    LOADED.with(|c| c.borrow().clone())
}

/// What the app needs to sync.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppConfig {
    pub rpc_url: String,
    pub passphrase: String,
    pub deployment: Deployment,
    /// A localnet, which starts a new chain on every run.
    pub local: bool,
}

#[derive(Deserialize)]
struct Status {
    network: Network,
    deployment: Deployment,
}

#[derive(Deserialize)]
struct Network {
    mode: String,
    rpc_url: String,
    /// Unknown when a server indexes a real network without being told its passphrase.
    network_passphrase: Option<String>,
}

/// Reads `/api/status` of the server that served this page.
pub async fn load() -> Result<AppConfig, String> {
    let origin = web_origin()?;
    let resp = reqwest::get(format!("{origin}/api/status"))
        .await
        .map_err(|e| format!("cannot reach the TeachLink server: {e}"))?;
    if !resp.status().is_success() {
        return Err(format!(
            "the TeachLink server answered HTTP {}",
            resp.status()
        ));
    }
    let status: Status = resp
        .json()
        .await
        .map_err(|e| format!("the server's /api/status is not what this app expects: {e}"))?;
    Ok(AppConfig {
        rpc_url: status.network.rpc_url,
        passphrase: status
            .network
            .network_passphrase
            .unwrap_or_else(|| "an unnamed network".into()),
        deployment: status.deployment,
        local: status.network.mode == "localnet",
    })
}

fn web_origin() -> Result<String, String> {
    leptos::prelude::window()
        .location()
        .origin()
        .map_err(|_| "this page has no location.origin".to_string())
}
