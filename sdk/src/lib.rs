//! teachlink-sdk: the TeachLink JavaScript SDK, Rust compiled to WebAssembly with
//! wasm-bindgen (`scripts/build-sdk.sh` builds the npm package in `pkg/`).
//!
//! The JavaScript API (every `#[wasm_bindgen]` export) is the default feature `js`. Rust
//! callers compiled to Wasm (the web app) turn it off, since wasm-bindgen ships every export
//! of every linked crate, and call the contract clients ([`escrow::EscrowContract`],
//! [`clients::ContentContract`], …) with a [`signer::SignerKind`]: the same Rust the
//! JavaScript classes call.
//!
//! | module | owns |
//! |---|---|
//! | [`tx`] | transactions as plain Rust: build, assemble from a simulation, auth entries, signatures, results |
//! | [`rpc`] | the Stellar RPC client over `fetch`: retries, polling (`RpcClient` in JavaScript) |
//! | [`signer`] | `SignerKind`: a local key or a SEP-43 / Freighter wallet (`Keypair`, `WalletSigner` in JavaScript) |
//! | [`invoke`] | one contract call from build to final result, the multi-party steps, `Contract` |
//! | [`escrow`] | `EscrowContract` (`EscrowClient` in JavaScript) |
//! | [`clients`] | `ContentContract`, `ReputationContract`, `RewardsContract` (`ContentClient`, … in JavaScript) |
//! | [`events`] | event decoding by the indexer's decoder (`decodeEvents` in JavaScript) |
//! | [`indexer`] | the TeachLink server's REST API (`IndexerClient` in JavaScript) |
//! | `light` | `LightIndexer`: sync into IndexedDB or memory, and queries (feature `light-indexer`) |
//! | [`error`] | `SdkError`: typed errors with stable codes, thrown as `TeachLinkError` |
//! | [`js`] | values across the JavaScript boundary |
//! | `typings` | the TypeScript types of the plain objects (feature `js`) |

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
#[cfg(feature = "js-base")]
mod typings;

#[cfg(feature = "js-base")]
use wasm_bindgen::prelude::*;

pub use error::SdkError;

/// Whether `e` is an error thrown by this SDK.
#[cfg(feature = "js-base")]
#[wasm_bindgen(js_name = isTeachLinkError, unchecked_return_type = "e is TeachLinkError")]
pub fn is_teachlink_error(#[wasm_bindgen(unchecked_param_type = "unknown")] e: &JsValue) -> bool {
    e.is_instance_of::<js_sys::Error>()
        && js::get(e, "name").as_string().as_deref() == Some("TeachLinkError")
        && js::get(e, "code").is_string()
}

/// The network id (sha256 of the passphrase) as hex: what signatures commit to.
#[cfg(feature = "js-base")]
#[wasm_bindgen(js_name = networkId)]
pub fn network_id(passphrase: &str) -> String {
    hex::encode(tx::network_id(passphrase))
}
