//! Owns where the app reads the chain from: the RPC URL, the network passphrase and the
//! TeachLink contracts, as the serving TeachLink server reports them at `/api/status`;
//! transactions go to the same RPC, network and contracts. The last configuration is
//! remembered in `localStorage`, so a reload opens its IndexedDB store before the server
//! answers, and the app keeps syncing from the RPC while the server is away.

use std::cell::RefCell;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
    let resp = gloo_net::http::Request::get(&format!("{origin}/api/status"))
        .send()
        .await
        .map_err(|e| format!("cannot reach the TeachLink server: {e}"))?;
    if !resp.ok() {
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

/// The configuration this browser last synced with, and the database it used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remembered {
    pub config: AppConfig,
    pub database: String,
}

/// Where [`Remembered`] is kept in `localStorage`.
const REMEMBERED_KEY: &str = "teachlink-last-config";

/// What [`remember`] kept, if anything readable is there.
pub fn remembered() -> Option<Remembered> {
    read_local(REMEMBERED_KEY)
}

/// Keeps `r` for the next visit. Failing to (storage full or disabled) only costs the next
/// reload its head start.
pub fn remember(r: &Remembered) {
    write_local(REMEMBERED_KEY, r);
}

/// The JSON value under `key` in `localStorage`, if there is a readable one.
pub(crate) fn read_local<T: DeserializeOwned>(key: &str) -> Option<T> {
    let storage = leptos::prelude::window().local_storage().ok()??;
    serde_json::from_str(&storage.get_item(key).ok()??).ok()
}

/// Writes `value` as JSON under `key` in `localStorage`. What is kept there only saves
/// work, so a failure (storage full or disabled) is logged and otherwise ignored.
pub(crate) fn write_local<T: Serialize>(key: &str, value: &T) {
    let storage = leptos::prelude::window().local_storage().ok().flatten();
    let written = match (storage, serde_json::to_string(value)) {
        (Some(storage), Ok(text)) => storage.set_item(key, &text).is_ok(),
        _ => false,
    };
    if !written {
        leptos::logging::warn!("could not keep {key} in localStorage");
    }
}

fn web_origin() -> Result<String, String> {
    leptos::prelude::window()
        .location()
        .origin()
        .map_err(|_| "this page has no location.origin".to_string())
}
