//! teachlink-indexer: the light TeachLink indexer. It pulls TeachLink contract events from
//! any Stellar RPC endpoint ([`sync`]), decodes them into typed events ([`decode`]),
//! projects them into queryable entities ([`project`]) and keeps those in a [`store`]:
//! in memory here, IndexedDB in the browser, SQL in the server, all behind one trait.
//!
//! The crate compiles for native targets and for `wasm32-unknown-unknown`; nothing in it
//! assumes threads, a tokio runtime or a clock (timers are passed in, see [`sync::Timer`]).

pub mod decode;
pub mod encode;
pub mod error;
pub mod http;
pub mod types;

pub use decode::{Decoded, Decoder, Event, EventMeta, RawEvent, TeachLinkEvent};
pub use types::{Address, EventId, Hash32, HexBytes};
pub mod project;
pub mod scope;
pub mod snapshot;
pub mod store;
pub mod sync;
pub mod traffic;

pub use project::State;
pub use store::{Checkpoint, Gap, MemoryStore, Queries, Store};
pub use sync::{Deployment, Status, SyncConfig, Syncer, Timer};

#[cfg(target_arch = "wasm32")]
pub mod idb;
