//! teachlink-localnet: a local Soroban network that speaks Stellar RPC JSON-RPC and executes
//! on the real host (soroban-env-host 27.0.1, protocol 27).
//!
//! Embed it in-process with [`Localnet::start`], which returns a handle with the RPC
//! [`LocalnetHandle::url`] and, in manual mode, [`LocalnetHandle::close_ledger`].

pub mod apply;
pub mod config;
pub mod deploy;
pub mod error;
pub mod events;
pub mod format;
pub mod genesis;
pub mod node;
pub mod persist;
pub mod rpc;
pub mod server;
pub mod simulate;
pub mod state;
pub mod xdr_util;

pub use config::{Config, DEFAULT_PASSPHRASE, PROTOCOL_VERSION};
pub use deploy::{deploy_teachlink, Deployment, TEACHLINK_CONTRACTS};
pub use error::{LocalnetError, Result};
pub use node::Node;
pub use server::{Localnet, LocalnetHandle};

/// sha256 of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(data).into()
}
