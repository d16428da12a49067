//! The bridge's records and the messages validators sign.
use soroban_sdk::{contracttype, Address, BytesN};

// Upper bound of `max_validators`: the active set is tracked as a `u32`
// bitmap of slots, which also makes duplicate attestations an O(1) check.
pub const MAX_VALIDATORS: u32 = 32;
// Longest destination address accepted by `lock`, in bytes (a Stellar strkey
// is 56 ASCII bytes, an EVM address 20 bytes).
pub const MAX_RECIPIENT_LEN: u32 = 64;
// Width of one circuit-breaker bucket.
pub const BUCKET_SECONDS: u64 = 3_600;
// Buckets summed by the daily limit: the current hour and the 24 before it,
// so the counted span always covers the whole trailing 24 hours.
pub const WINDOW_BUCKETS: u32 = 25;
// Least time, beyond two transfer timeouts, between `begin_unbonding` and
// `withdraw_stake`. A signature a validator gave just before it left concerns
// a transfer that can be completed until its expiry (one timeout) and whose
// refund depends on the outcome for one more timeout; a peer holding the
// second signature of an equivocation then has this margin (a day) to land
// the evidence while the stake is still there.
pub const UNBONDING_MARGIN: u64 = 86_400;

// Settings fixed at deployment.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Config {
    // The one token this bridge instance carries.
    pub token: Address,
    // This chain's id; inbound messages must name it as destination.
    pub local_chain: u32,
    // Least stake a validator must bond.
    pub min_stake: i128,
    // Seconds between `begin_unbonding` and `withdraw_stake`; at least
    // `2 * transfer_timeout + UNBONDING_MARGIN`.
    pub unbonding_period: u64,
    // Most validators active at once (1 to `MAX_VALIDATORS`).
    pub max_validators: u32,
    // Fewest active validators, and least active stake, with which the
    // bridge accepts a quorum (`complete`, `confirm_completed`): without a
    // floor, the last validator left after the others unbond would be the
    // whole active stake on its own. 1 to `max_validators`; positive.
    pub min_active_validators: u32,
    pub min_active_stake: i128,
    // Seconds a locked transfer may be completed on the destination chain
    // (its `expires_at` is lock time plus this). The sender may refund from
    // one more timeout after expiry, unless completion was confirmed.
    pub transfer_timeout: u64,
}

#[contracttype(export = false)]
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
#[repr(u32)]
pub enum ValidatorStatus {
    // Bonded, waiting for the admin to activate it; does not attest.
    Inactive = 0,
    // Counts toward quorum.
    Active = 1,
    // Leaving; still slashable until the stake is withdrawn.
    Unbonding = 2,
    // Caught equivocating; stake taken, never again a validator.
    Slashed = 3,
}

#[contracttype(export = false)]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Validator {
    // ed25519 public key the validator signs attestations with.
    pub signing_key: BytesN<32>,
    // Bonded stake held by this contract (0 once slashed).
    pub stake: i128,
    pub status: ValidatorStatus,
    // Position in the active bitmap; meaningful only while `Active`.
    pub slot: u32,
    // When the stake can be withdrawn; meaningful only while `Unbonding`.
    pub unbonding_ends: u64,
}

// Contract-wide counters, kept together in one instance entry.
#[contracttype(export = false)]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Totals {
    // Nonce of the latest outbound transfer (nonces start at 1).
    pub last_nonce: u64,
    // Bit `i` is set while slot `i` is held by an active validator.
    pub slots: u32,
    // Sum of the active validators' stakes: the quorum denominator.
    pub active_stake: i128,
    // Tokens free for inbound releases: funded, plus outbound transfers
    // confirmed completed elsewhere, minus inbound releases. Stakes and
    // pending locks are never part of it, so a release cannot touch them.
    // Tokens sent to the bridge other than through `fund` are not counted.
    pub liquidity: i128,
}

#[contracttype(export = false)]
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
#[repr(u32)]
pub enum TransferStatus {
    // Locked here; may still complete on the destination chain or be refunded.
    Pending = 0,
    // Validators attested the completion on the destination chain; the
    // locked tokens now back inbound transfers.
    Completed = 1,
    // Returned to the sender.
    Refunded = 2,
}

// An outbound transfer, locked on this chain.
#[contracttype(export = false)]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct OutboundTransfer {
    pub sender: Address,
    pub amount: i128,
    pub dest_chain: u32,
    // The destination bridge refuses completion from this ledger timestamp.
    pub expires_at: u64,
    pub status: TransferStatus,
}

// A transfer arriving from another chain, as validators sign it.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct InboundMessage {
    pub source_chain: u32,
    // The source chain's bridge (its 32-byte contract id): a redeployed
    // source restarts its nonces, so a transfer is (chain, bridge, nonce).
    // Must be the bridge configured for `source_chain`.
    pub source_bridge: BytesN<32>,
    // Must be this bridge's `local_chain`.
    pub dest_chain: u32,
    // The nonce `lock` returned on the source chain.
    pub nonce: u64,
    // Must be this bridge's token.
    pub token: Address,
    pub amount: i128,
    pub recipient: Address,
    // Copied from the source transfer; completion is refused from then on,
    // which is what makes the source chain's refund safe.
    pub expires_at: u64,
}

// One validator's signature over a digest.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Attestation {
    pub validator: Address,
    pub signature: BytesN<64>,
}

// Slashing evidence: an inbound message and a validator's signature on it.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct SignedMessage {
    pub message: InboundMessage,
    pub validator: Address,
    pub signature: BytesN<64>,
}

// One remote chain: its bridge and circuit breaker.
#[contracttype(export = false)]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct ChainConfig {
    // The remote chain's bridge (32-byte contract id), the only source
    // `complete` accepts for this chain.
    pub bridge: BytesN<32>,
    // Largest single transfer, each direction.
    pub per_transfer: i128,
    // Most moved in any 24 hours, each direction.
    pub per_day: i128,
    pub paused: bool,
}
