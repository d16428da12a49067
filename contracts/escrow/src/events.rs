//! Escrow events. Topics: the event name, the escrow id, then the parties a
//! client filters by; everything else is in the data map.
use soroban_sdk::{contractevent, Address, String, Vec};

use crate::types::{Resolution, Signer};

#[contractevent(topics = ["escrow_created"])]
pub struct EscrowCreated {
    #[topic]
    pub escrow_id: u64,
    #[topic]
    pub depositor: Address,
    #[topic]
    pub beneficiary: Address,
    pub token: Address,
    pub amount: i128,
    pub signers: Vec<Signer>,
    pub threshold: u32,
    pub release_after: Option<u64>,
    pub refund_after: Option<u64>,
    pub arbitrator: Option<Address>,
    pub dispute_timeout: u64,
    pub course_id: u64,
}

#[contractevent(topics = ["escrow_approved"])]
pub struct EscrowApproved {
    #[topic]
    pub escrow_id: u64,
    #[topic]
    pub signer: Address,
    pub weight: u32,
    pub approved_weight: u32,
    pub threshold: u32,
}

#[contractevent(topics = ["escrow_released"])]
pub struct EscrowReleased {
    #[topic]
    pub escrow_id: u64,
    #[topic]
    pub beneficiary: Address,
    pub amount: i128,
    pub by: Address,
}

#[contractevent(topics = ["escrow_refunded"])]
pub struct EscrowRefunded {
    #[topic]
    pub escrow_id: u64,
    #[topic]
    pub depositor: Address,
    pub amount: i128,
    pub by: Address,
}

#[contractevent(topics = ["escrow_cancelled"])]
pub struct EscrowCancelled {
    #[topic]
    pub escrow_id: u64,
    #[topic]
    pub depositor: Address,
    pub amount: i128,
}

#[contractevent(topics = ["escrow_disputed"])]
pub struct EscrowDisputed {
    #[topic]
    pub escrow_id: u64,
    #[topic]
    pub by: Address,
    pub reason: String,
    pub deadline: u64,
}

#[contractevent(topics = ["escrow_resolved"])]
pub struct EscrowResolved {
    #[topic]
    pub escrow_id: u64,
    #[topic]
    pub arbitrator: Address,
    pub resolution: Resolution,
    pub to_beneficiary: i128,
    pub to_depositor: i128,
}

/// A dispute's deadline passed unresolved and a party applied the default
/// outcome: everything to one side.
#[contractevent(topics = ["escrow_settled"])]
pub struct EscrowSettled {
    #[topic]
    pub escrow_id: u64,
    #[topic]
    pub by: Address,
    pub to_beneficiary: i128,
    pub to_depositor: i128,
}
