//! Owns the errors of parsing the indexer's small value types from text.

/// A strkey, event id or hash that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("not an account or contract strkey: {0:?}")]
    Address(String),
    #[error("not a Stellar RPC event id: {0:?}")]
    EventId(String),
    #[error("not 32 hex-encoded bytes: {0:?}")]
    Hash(String),
}
