//! Bridge events. Topics: the event name, then the transfer nonce, the chain,
//! and the addresses a client filters by; everything else is in the data map.
use soroban_sdk::{contractevent, Address, Bytes, BytesN};

// Tokens locked here for `dest_chain`: what the validators watch.
#[contractevent(topics = ["locked"])]
pub struct Locked {
    #[topic]
    pub nonce: u64,
    #[topic]
    pub dest_chain: u32,
    #[topic]
    pub sender: Address,
    pub amount: i128,
    pub recipient: Bytes,
    pub expires_at: u64,
}

// Validators attested that the outbound transfer completed on its
// destination chain; it can no longer be refunded.
#[contractevent(topics = ["outbound_confirmed"])]
pub struct OutboundConfirmed {
    #[topic]
    pub nonce: u64,
    #[topic]
    pub dest_chain: u32,
    #[topic]
    pub sender: Address,
    pub amount: i128,
    pub attested_stake: i128,
}

// An expired, unconfirmed outbound transfer went back to its sender.
#[contractevent(topics = ["refunded"])]
pub struct Refunded {
    #[topic]
    pub nonce: u64,
    #[topic]
    pub dest_chain: u32,
    #[topic]
    pub sender: Address,
    pub amount: i128,
}

// An inbound transfer was released to its recipient.
#[contractevent(topics = ["completed"])]
pub struct Completed {
    #[topic]
    pub nonce: u64,
    #[topic]
    pub source_chain: u32,
    #[topic]
    pub recipient: Address,
    pub amount: i128,
    pub attested_stake: i128,
}

// Liquidity for inbound releases was added.
#[contractevent(topics = ["funded"])]
pub struct Funded {
    #[topic]
    pub from: Address,
    pub amount: i128,
}

#[contractevent(topics = ["validator_registered"])]
pub struct ValidatorRegistered {
    #[topic]
    pub validator: Address,
    pub signing_key: BytesN<32>,
    pub stake: i128,
}

#[contractevent(topics = ["validator_activated"])]
pub struct ValidatorActivated {
    #[topic]
    pub validator: Address,
}

#[contractevent(topics = ["validator_deactivated"])]
pub struct ValidatorDeactivated {
    #[topic]
    pub validator: Address,
}

// The validator left the quorum; its stake is withdrawable at `unbonding_ends`.
#[contractevent(topics = ["unbonding_started"])]
pub struct UnbondingStarted {
    #[topic]
    pub validator: Address,
    pub unbonding_ends: u64,
}

#[contractevent(topics = ["stake_withdrawn"])]
pub struct StakeWithdrawn {
    #[topic]
    pub validator: Address,
    pub amount: i128,
}

// Proven equivocation on (`source_chain`, `nonce`): the whole stake went to
// `to` (the admin) and the validator is out for good.
#[contractevent(topics = ["slashed"])]
pub struct Slashed {
    #[topic]
    pub nonce: u64,
    #[topic]
    pub source_chain: u32,
    #[topic]
    pub validator: Address,
    pub amount: i128,
    pub to: Address,
}

#[contractevent(topics = ["chain_limits_set"])]
pub struct ChainLimitsSet {
    #[topic]
    pub chain: u32,
    pub per_transfer: i128,
    pub per_day: i128,
}

#[contractevent(topics = ["chain_paused"])]
pub struct ChainPaused {
    #[topic]
    pub chain: u32,
    #[topic]
    pub by: Address,
}

#[contractevent(topics = ["chain_resumed"])]
pub struct ChainResumed {
    #[topic]
    pub chain: u32,
    #[topic]
    pub by: Address,
}
