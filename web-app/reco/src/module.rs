//! Owns the module's export, `recommend`: the store opened once by name, the model trained
//! on its whole state, a learner's list out.

use std::cell::RefCell;
use std::rc::Rc;

use teachlink_indexer::idb::IdbStore;
use teachlink_indexer::project::State;
use teachlink_indexer::Address;
use teachlink_recommend::from_indexer::from_state;
use teachlink_recommend::hybrid::{HybridConfig, Recommender};
use wasm_bindgen::prelude::*;

use crate::Suggested;

thread_local! {
    /// The store this module read last, by database name (the app has one at a time).
    static STORE: RefCell<Option<(String, Rc<IdbStore>)>> = const { RefCell::new(None) };
}

async fn store(database: &str) -> Result<Rc<IdbStore>, String> {
    let open = STORE.with(|s| {
        s.borrow()
            .as_ref()
            .filter(|(name, _)| name == database)
            .map(|(_, store)| store.clone())
    });
    if let Some(store) = open {
        return Ok(store);
    }
    let store = Rc::new(IdbStore::open(database).await.map_err(|e| e.to_string())?);
    STORE.with(|s| *s.borrow_mut() = Some((database.to_string(), store.clone())));
    Ok(store)
}

/// Up to five courses for `who` (a `G…`/`C…` address) from the IndexedDB database
/// `database`: an array of [`Suggested`]. Rejects with the reason as a string.
#[wasm_bindgen]
pub async fn recommend(database: String, who: String) -> Result<JsValue, JsValue> {
    let who: Address = who
        .parse()
        .map_err(|_| JsValue::from_str("not an account or contract address"))?;
    let store = store(&database).await.map_err(|e| JsValue::from_str(&e))?;
    let list = store
        .with_state(|state| recommend_for(state, &who))
        .await
        .map_err(|e| JsValue::from_str(&e.to_string()))?;
    serde_wasm_bindgen::to_value(&list).map_err(|e| JsValue::from_str(&e.to_string()))
}

/// The hybrid model trained on everything indexed, with the learner's own enrolments,
/// completions and ratings as history (none: popular courses), leaving out the courses
/// `who` created.
fn recommend_for(state: &State, who: &Address) -> Vec<Suggested> {
    let indexed = from_state(state);
    if indexed.dataset.is_empty() {
        return Vec::new();
    }
    let model = Recommender::train(&indexed.dataset, &HybridConfig::default());
    let history = indexed
        .dataset
        .learner_index(&who.to_string())
        .map(|i| indexed.dataset.history(i))
        .unwrap_or_default();
    // A teacher is not recommended their own courses.
    let own = |id: u64| state.tokens.get(&id).and_then(|t| t.creator) == Some(*who);
    model
        .recommend(history, 10)
        .into_iter()
        .filter(|r| !own(r.item))
        .take(5)
        .map(|r| Suggested {
            item: r.item,
            why: r.reasons.first().map(ToString::to_string),
            title: r.title,
        })
        .collect()
}
