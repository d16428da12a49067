//! Owns the errors of parsing the indexer's small value types from text.

/// A strkey, event id, hash or hex bytes that do not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("not an account or contract strkey: {0:?}")]
    Address(String),
    #[error("not a Stellar RPC event id: {0:?}")]
    EventId(String),
    #[error("not 32 hex-encoded bytes: {0:?}")]
    Hash(String),
    #[error("not hex-encoded bytes: {0:?}")]
    Hex(String),
}
