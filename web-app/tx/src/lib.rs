//! teachlink-web-app-tx: the web app's transaction side, a Wasm module of its own that the
//! app fetches only when a wallet action starts (a page that only reads never downloads
//! it). It holds the SDK's contract clients (build, simulate, assemble, send, poll) with
//! the connected SEP-43 wallet as their signer; the app holds no transaction or XDR code.
//!
//! | module | owns |
//! |---|---|
//! | [`wire`] | what the app sends and gets back, as plain JavaScript objects |
//! | `module` (feature `module`, wasm32) | the export `send` and the SDK errors in words for the user |

pub mod wire;

#[cfg(all(target_arch = "wasm32", feature = "module"))]
mod module;
