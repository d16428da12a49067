//! Owns the crate's typed errors: what can go wrong while building, applying or serving the chain.

use thiserror::Error;

/// Errors raised by localnet outside of transaction results (which are XDR, not errors).
#[derive(Debug, Error)]
pub enum LocalnetError {
    #[error("XDR error: {0}")]
    Xdr(#[from] stellar_xdr::Error),
    #[error("host error: {0}")]
    Host(String),
    #[error("simulation error: {0}")]
    Simulation(String),
    #[error("genesis failed: {0}")]
    Genesis(String),
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    #[error("state lock poisoned")]
    Poisoned,
    #[error("invalid input: {0}")]
    Invalid(String),
}

impl From<soroban_env_host::HostError> for LocalnetError {
    fn from(e: soroban_env_host::HostError) -> Self {
        LocalnetError::Host(format!("{e:?}"))
    }
}

pub type Result<T> = std::result::Result<T, LocalnetError>;
