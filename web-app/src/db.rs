//! Owns the page's one IndexedDB store, and the results computed from it that are kept in
//! `localStorage` until its events change. IndexedDB handles are not `Send`, so the store
//! lives in a thread local (a page is one thread) rather than in Leptos' context.

use std::cell::RefCell;
use std::rc::Rc;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use teachlink_indexer::idb::IdbStore;

thread_local! {
    /// The store and its database's name.
    static STORE: RefCell<Option<(String, Rc<IdbStore>)>> = const { RefCell::new(None) };
}

/// The database of one network: a page never mixes two networks' data.
pub fn database_name(passphrase: &str) -> String {
    // FNV-1a: a short, stable name; collisions only share a cache, never corrupt it,
    // because the store checks its deployment on open.
    let hash = passphrase.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    format!("teachlink-{hash:016x}")
}

pub fn set(database: String, store: Rc<IdbStore>) {
    STORE.with(|s| *s.borrow_mut() = Some((database, store)));
}

/// The store, once the sync loop has opened it.
pub fn get() -> Option<Rc<IdbStore>> {
    STORE.with(|s| s.borrow().as_ref().map(|(_, store)| store.clone()))
}

/// The open store's database name.
pub fn database() -> Option<String> {
    STORE.with(|s| s.borrow().as_ref().map(|(name, _)| name.clone()))
}

/// Where [`kept`] results live in `localStorage`: the newest [`KEPT_RESULTS`] of them.
const KEPT_KEY: &str = "teachlink-kept-results";
const KEPT_RESULTS: usize = 20;

/// One result computed from the store when it had applied `events` events.
#[derive(Serialize, Deserialize)]
struct Kept {
    database: String,
    key: String,
    events: u64,
    /// JSON, kept as text: it is read only when it is the one asked for.
    value: String,
}

fn all_kept() -> Vec<Kept> {
    crate::config::read_local(KEPT_KEY).unwrap_or_default()
}

/// The result kept under `key` for this store, if the store still holds exactly the
/// `events` it was computed from: the same events give the same result, so a reload need
/// not compute it again.
pub fn kept<T: DeserializeOwned>(key: &str, events: u64) -> Option<T> {
    let database = database()?;
    all_kept()
        .into_iter()
        .find(|k| k.database == database && k.key == key && k.events == events)
        .and_then(|k| serde_json::from_str(&k.value).ok())
}

/// Keeps `value`, computed from the store at `events` events, under `key`. Failing to
/// only means computing it again next time.
pub fn keep<T: Serialize>(key: &str, events: u64, value: &T) {
    let (Some(database), Ok(value)) = (database(), serde_json::to_string(value)) else {
        return;
    };
    let mut all = all_kept();
    all.retain(|k| !(k.database == database && k.key == key));
    all.insert(
        0,
        Kept {
            database,
            key: key.to_string(),
            events,
            value,
        },
    );
    all.truncate(KEPT_RESULTS);
    crate::config::write_local(KEPT_KEY, &all);
}
