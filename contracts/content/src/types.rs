//! Values the contract takes, stores and returns, and their bounds.
use soroban_sdk::{contracttype, Address, BytesN, String, Symbol, Vec};

/// Longest title, in bytes.
pub const MAX_TITLE_LEN: u32 = 128;
/// Longest uri, in bytes.
pub const MAX_URI_LEN: u32 = 256;
/// Most tags on one token.
pub const MAX_TAGS: u32 = 8;
/// 100% in basis points.
pub const MAX_ROYALTY_BPS: u32 = 10_000;
/// Provenance records kept in storage per token besides the mint (the
/// newest ones).
pub const MAX_PROVENANCE: u32 = 32;
/// Most provenance records returned by one query.
pub const MAX_PAGE: u32 = 50;

/// A token's descriptive record, as `metadata` returns it. Only the
/// creator changes `uri` and `content_hash` after the mint.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Metadata {
    pub creator: Address,
    pub title: String,
    pub content_hash: BytesN<32>,
    pub uri: String,
    pub licence: Symbol,
    pub tags: Vec<Symbol>,
    pub transferable: bool,
    pub royalty_bps: u32,
}

/// What a provenance record describes.
#[contracttype]
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
#[repr(u32)]
pub enum ProvenanceKind {
    Mint = 0,
    Transfer = 1,
    MetadataUpdate = 2,
}

/// One step in a token's history.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct ProvenanceRecord {
    /// Position in the token's full history; the mint is 0.
    pub seq: u32,
    pub kind: ProvenanceKind,
    /// Previous owner (transfer) or the creator (metadata update); none on mint.
    pub from: Option<Address>,
    /// New owner (mint, transfer); none on metadata update.
    pub to: Option<Address>,
    pub ledger: u32,
    pub timestamp: u64,
}
