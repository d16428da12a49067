//! Owns the requests between the app and this module: what to send (a contract call with
//! its arguments, on which network) and how it ended. They cross the JavaScript boundary
//! as plain objects (serde-wasm-bindgen), never as JSON text. Amounts are decimal strings
//! of the token's smallest unit (i128 has no JavaScript number).

use serde::{Deserialize, Serialize};

/// Where a call goes: the RPC, the network and the contract.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub rpc_url: String,
    pub passphrase: String,
    /// The contract's `C…` id.
    pub contract: String,
}

/// One approver of an escrow and the weight of its approval.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signer {
    pub address: String,
    pub weight: u32,
}

/// The escrow contract's `EscrowTerms` (addresses as strkeys, times as UNIX seconds).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Terms {
    pub beneficiary: String,
    pub token: String,
    /// In the token's smallest unit, as a decimal string.
    pub amount: String,
    pub signers: Vec<Signer>,
    pub threshold: u32,
    pub release_after: Option<u64>,
    pub refund_after: Option<u64>,
    pub arbitrator: Option<String>,
    pub dispute_timeout: u64,
    pub course_id: u64,
}

/// How the arbitrator ends a dispute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Resolution {
    ToBeneficiary,
    ToDepositor,
    /// Basis points to the beneficiary.
    Split(u32),
}

/// A course to mint as a content token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mint {
    pub title: String,
    pub content_hash: [u8; 32],
    pub uri: String,
    pub licence: String,
    pub tags: Vec<String>,
    pub transferable: bool,
    pub royalty_bps: u32,
}

/// One contract call, with its arguments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Call {
    /// Escrow: open one (returns its id).
    Create(Terms),
    Approve(u64),
    Release(u64),
    Dispute(u64, String),
    Resolve(u64, Resolution),
    Settle(u64),
    /// Content: mint a course (returns the token id).
    Mint(Mint),
    /// Rewards: claim the signer's unclaimed rewards.
    Claim,
}

/// A call on a target.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    pub target: Target,
    pub call: Call,
}

/// A confirmed call: its ledger, and the id it returned (escrow, token), if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmed {
    pub ledger: u32,
    pub value: Option<u64>,
}

/// What the wallet is doing, reported while a call runs.
pub const STAGE_WAITING_FOR_WALLET: &str = "waiting-for-wallet";
pub const STAGE_SUBMITTED: &str = "submitted";
