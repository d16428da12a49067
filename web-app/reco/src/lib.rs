//! teachlink-web-app-reco: the web app's recommendations, a Wasm module of its own that
//! the app fetches the first time a page needs a list it has not kept (the model is the
//! largest part of the app that is not needed to show a page's data). It opens the same
//! IndexedDB store as the app, trains the hybrid recommender on everything indexed and
//! answers a learner's list as plain JavaScript objects.

use serde::{Deserialize, Serialize};

#[cfg(all(target_arch = "wasm32", feature = "module"))]
mod module;

/// A recommended course as the page shows it (and keeps it for the next visit).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggested {
    /// The course's token id.
    pub item: u64,
    pub title: String,
    /// The strongest reason, in words.
    pub why: Option<String>,
}
