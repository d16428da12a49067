//! teachlink-recommend: TeachLink's intelligence layer in Rust — course recommendations,
//! learning paths and credit-score prediction — computed over the data the light indexer
//! ([`teachlink_indexer`]) already holds. The crate builds for `wasm32-unknown-unknown`, so
//! the web app computes a learner's personal recommendations in the browser without
//! sending their history anywhere; natively, the server uses it for anonymous,
//! popularity-style results.
//!
//! - [`dataset`]: items, learners and interactions, validated; the `level_N` /
//!   `requires_ID` tag convention for difficulty and prerequisites.
//! - [`from_indexer`]: the dataset (and reputation activity) from indexer entities.
//! - [`content`]: BM25 over titles, tags and licences; nearest courses by cosine.
//! - [`collaborative`]: time-ordered item-item similarity over implicit feedback.
//! - [`hybrid`]: the blend with a popularity/quality prior; cold start; reasons.
//! - [`paths`]: next courses ordered by prerequisites and difficulty
//!   ([`paths::next_courses`]: a learner's recommendations as a path).
//! - [`reputation`]: a ridge model of a learner's credit-score trajectory.
//! - [`explain`]: the reasons, as data and as text.
//! - [`eval`]: the held-out split and precision/recall/NDCG@k.
//! - [`synthetic`]: a generated data set with planted structure.
//!
//! # Why no ndarray / linfa
//!
//! The models are sparse and small: item-item neighbour lists (k ≤ 50 per course), BM25
//! vectors of a dozen terms, and a ridge regression with ten features solved in closed
//! form. ndarray's dense arrays would hold nothing here that a `Vec` does not, and linfa
//! offers no item-item or BM25 model; its linear models would bring ndarray and their
//! own linear-algebra and optimisation dependencies into the browser bundle for what is
//! one 10×10 solve here. So the numerics are
//! hand-written (a few dozen lines each, tested), keeping the wasm small and the builds of
//! a 2-core machine fast. No model is downloaded at run time: everything is trained from
//! the indexed data where it runs. Randomness (the synthetic generator, the split) is a
//! seeded SplitMix64, so results are identical natively and in WebAssembly.

pub mod collaborative;
pub mod content;
pub mod dataset;
pub mod eval;
pub mod explain;
pub mod from_indexer;
pub mod hybrid;
pub mod paths;
pub mod reputation;
pub mod synthetic;
pub mod topk;

pub use dataset::{Dataset, DatasetBuilder, ItemId, ItemMeta, Kind, RawInteraction};
pub use explain::Reason;
pub use hybrid::{HybridConfig, LearnerEvent, Popularity, Recommendation, Recommender};
