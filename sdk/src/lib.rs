//! teachlink-sdk: the TeachLink JavaScript SDK, Rust compiled to WebAssembly with
//! wasm-bindgen (`scripts/build-sdk.sh` builds the npm package in `pkg/`).
//!
//! | module | owns |
//! |---|---|
//! | [`tx`] | transactions as plain Rust: build, assemble from a simulation, auth entries, signatures, results |
//! | [`rpc`] | the Stellar RPC client (`RpcClient`): fetch, retries, polling |
//! | [`signer`] | `Keypair` and `WalletSigner` (SEP-43 / Freighter) |
//! | [`invoke`] | one contract call from build to final result, and the multi-party steps |
//! | [`escrow`] | `EscrowClient` |
//! | [`clients`] | `ContentClient`, `ReputationClient`, `RewardsClient` |
//! | [`events`] | `decodeEvents`, by the indexer's decoder |
//! | [`indexer`] | `IndexerClient`: the TeachLink server's REST API |
//! | `light` | `LightIndexer`: sync into IndexedDB or memory, and queries (feature `light-indexer`) |
//! | [`error`] | `SdkError`: typed errors with stable codes, thrown as `TeachLinkError` |
//! | [`js`] | values across the JavaScript boundary |
//! | `typings` | the TypeScript types of the plain objects |

pub mod clients;
pub mod error;
pub mod escrow;
pub mod events;
pub mod indexer;
pub mod invoke;
pub mod js;
/// The light indexer (feature `light-indexer`: the package's `@teachlink/sdk/indexer`).
#[cfg(all(feature = "light-indexer", target_arch = "wasm32"))]
pub mod light;
pub mod rpc;
pub mod signer;
pub mod tx;
mod typings;

use wasm_bindgen::prelude::*;

pub use error::SdkError;

/// Whether `e` is an error thrown by this SDK.
#[wasm_bindgen(js_name = isTeachLinkError, unchecked_return_type = "e is TeachLinkError")]
pub fn is_teachlink_error(#[wasm_bindgen(unchecked_param_type = "unknown")] e: &JsValue) -> bool {
    e.is_instance_of::<js_sys::Error>()
        && js::get(e, "name").as_string().as_deref() == Some("TeachLinkError")
        && js::get(e, "code").is_string()
}

/// The network id (sha256 of the passphrase) as hex: what signatures commit to.
#[wasm_bindgen(js_name = networkId)]
pub fn network_id(passphrase: &str) -> String {
    hex::encode(tx::network_id(passphrase))
}
