//! Owns the page's one IndexedDB store. IndexedDB handles are not `Send`, so the store lives
//! in a thread local (a page is one thread) rather than in Leptos' context.

use std::cell::RefCell;
use std::rc::Rc;

use teachlink_indexer::idb::IdbStore;

thread_local! {
    static STORE: RefCell<Option<Rc<IdbStore>>> = const { RefCell::new(None) };
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

pub fn set(store: Rc<IdbStore>) {
    STORE.with(|s| *s.borrow_mut() = Some(store));
}

/// The store, once the sync loop has opened it.
pub fn get() -> Option<Rc<IdbStore>> {
    STORE.with(|s| s.borrow().clone())
}
