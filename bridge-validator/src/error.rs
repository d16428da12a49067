//! Owns the daemon's errors.

use teachlink_sdk::SdkError;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a daemon step failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A value from configuration, a peer or the chain is unusable.
    #[error("invalid: {0}")]
    Invalid(String),
    /// A transaction or an RPC call failed (typed by the SDK).
    #[error(transparent)]
    Sdk(#[from] SdkError),
    /// Reading the source chain's events failed.
    #[error("source chain RPC: {0}")]
    SourceRpc(#[from] teachlink_indexer::sync::RpcError),
    /// The persisted cursor and work could not be read or written.
    #[error("state file {path}: {detail}")]
    State { path: String, detail: String },
    /// The two chains are not what the configuration says (a wrong passphrase, a bridge
    /// that is not bridged to the other chain, …).
    #[error("misconfigured: {0}")]
    Misconfigured(String),
}
