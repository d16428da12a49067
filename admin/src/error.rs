//! Owns the CLI's errors: every refusal is a variant the caller (and the exit code) can
//! tell apart; a contract's refusal keeps the contract's own error name.

use std::path::PathBuf;

use teachlink_sdk::SdkError;

/// Every way a `teachlink` command can fail.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// The RPC, the transaction or the contract refused (typed by the SDK; a contract's
    /// refusal carries its `#[contracterror]` name).
    #[error(transparent)]
    Sdk(#[from] SdkError),
    /// The RPC serves another network than the one asked for.
    #[error("network passphrase mismatch: asked for {expected:?}, the RPC at {rpc_url} serves {served:?}")]
    PassphraseMismatch {
        expected: String,
        served: String,
        rpc_url: String,
    },
    /// A Wasm is larger than the network accepts (its `ContractMaxSizeBytes` setting).
    #[error("{path} is {size} bytes, over the network's contract size limit of {limit} bytes")]
    WasmTooLarge {
        path: PathBuf,
        size: usize,
        limit: u32,
    },
    /// No key was given, or the key file does not exist.
    #[error("no signing key: {0}")]
    KeyMissing(String),
    /// The key file can be read by its group or by others.
    #[error(
        "key file {path} has mode {mode:o}: it must be readable by its owner only (chmod 600)"
    )]
    KeyFilePermissions { path: PathBuf, mode: u32 },
    /// The key is not an `S…` secret seed (the key itself is never echoed).
    #[error("the key from {0} is not an ed25519 secret seed (S…)")]
    KeyInvalid(String),
    /// The operator answered no (or nothing) at the confirmation prompt.
    #[error("not sent: confirmation declined (pass --yes to skip the prompt)")]
    Declined,
    /// A file could not be read or written.
    #[error("{path}: {detail}")]
    File { path: PathBuf, detail: String },
    /// The deployment file is missing what the command needs.
    #[error("deployment: {0}")]
    Deployment(String),
    /// A command-line value is not usable.
    #[error("invalid {what}: {detail}")]
    Invalid { what: &'static str, detail: String },
}

impl AdminError {
    pub fn invalid(what: &'static str, detail: impl Into<String>) -> Self {
        AdminError::Invalid {
            what,
            detail: detail.into(),
        }
    }

    pub fn file(path: &std::path::Path, e: impl ToString) -> Self {
        AdminError::File {
            path: path.to_path_buf(),
            detail: e.to_string(),
        }
    }

    /// The process exit code: 2 for a contract's refusal, 3 for a refused key or network
    /// (nothing was sent), 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        match self {
            AdminError::Sdk(SdkError::Contract { .. }) => 2,
            AdminError::PassphraseMismatch { .. }
            | AdminError::WasmTooLarge { .. }
            | AdminError::KeyMissing(_)
            | AdminError::KeyFilePermissions { .. }
            | AdminError::KeyInvalid(_) => 3,
            _ => 1,
        }
    }
}

pub type Result<T, E = AdminError> = std::result::Result<T, E>;
