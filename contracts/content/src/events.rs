//! Events of the content contract. Together they are the token's complete
//! history; storage keeps only the newest `MAX_PROVENANCE` records.
use soroban_sdk::{contractevent, Address, BytesN, String, Symbol, Vec};

/// `creator` minted `token_id` and owns it. The data carries the whole
/// metadata, so an indexer never has to read contract storage.
#[contractevent(topics = ["minted"])]
pub struct Minted {
    #[topic]
    pub token_id: u64,
    #[topic]
    pub creator: Address,
    pub title: String,
    pub content_hash: BytesN<32>,
    pub uri: String,
    pub licence: Symbol,
    pub tags: Vec<Symbol>,
    pub transferable: bool,
    pub royalty_bps: u32,
}

/// `from` (or its approved spender) moved `token_id` to `to`.
#[contractevent(topics = ["transferred"])]
pub struct Transferred {
    #[topic]
    pub token_id: u64,
    #[topic]
    pub from: Address,
    #[topic]
    pub to: Address,
}

/// `owner` let `spender` transfer `token_id` until ledger `live_until`
/// (`spender` none: approval revoked).
#[contractevent(topics = ["approved"])]
pub struct Approved {
    #[topic]
    pub token_id: u64,
    #[topic]
    pub owner: Address,
    pub spender: Option<Address>,
    pub live_until: u32,
}

/// `creator` changed the token's uri and/or content hash; the data holds
/// the values now in force.
#[contractevent(topics = ["metadata_updated"])]
pub struct MetadataUpdated {
    #[topic]
    pub token_id: u64,
    #[topic]
    pub creator: Address,
    pub uri: String,
    pub content_hash: BytesN<32>,
}
