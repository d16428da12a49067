//! The escrow record and the values callers pass in.
use soroban_sdk::{contracttype, Address, Vec};

/// At most this many signers per escrow, so approval checks stay bounded.
pub const MAX_SIGNERS: u32 = 20;
/// Longest dispute reason, in bytes.
pub const MAX_REASON_LEN: u32 = 256;
/// Basis points in a whole.
pub const BPS_DENOMINATOR: u32 = 10_000;
/// Shortest dispute timeout an escrow with an arbitrator may name: a day.
pub const MIN_DISPUTE_TIMEOUT: u64 = 86_400;
/// Longest dispute timeout: 180 days, so a dispute cannot hold funds longer.
pub const MAX_DISPUTE_TIMEOUT: u64 = 180 * 86_400;

/// One approver and the weight of its approval.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Signer {
    pub address: Address,
    pub weight: u32,
}

/// What the depositor asks for when opening an escrow.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct EscrowTerms {
    pub beneficiary: Address,
    pub token: Address,
    pub amount: i128,
    pub signers: Vec<Signer>,
    pub threshold: u32,
    /// Release is refused before this ledger timestamp (seconds).
    pub release_after: Option<u64>,
    /// From this ledger timestamp an unreleased escrow may be refunded.
    pub refund_after: Option<u64>,
    /// Decides disputes; without one, the escrow cannot be disputed.
    pub arbitrator: Option<Address>,
    // Plain comments on new fields: doc comments land in the Wasm spec.
    // Seconds the arbitrator has to resolve a dispute, after which either
    // party may apply the default outcome (`settle_dispute`). Required
    // (`MIN_DISPUTE_TIMEOUT..=MAX_DISPUTE_TIMEOUT`) with an arbitrator, 0
    // without one.
    pub dispute_timeout: u64,
    /// The course being paid for.
    pub course_id: u64,
}

/// Where an escrow is in its life. Every escrow ends in exactly one of the
/// terminal states `Released`, `Refunded`, `Cancelled` or `Resolved`; a
/// dispute settled by its timeout ends `Released` or `Refunded`.
#[contracttype]
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum EscrowStatus {
    Open,
    Disputed,
    Released,
    Refunded,
    Cancelled,
    Resolved,
}

impl EscrowStatus {
    pub fn is_terminal(self) -> bool {
        !matches!(self, EscrowStatus::Open | EscrowStatus::Disputed)
    }
}

/// How the arbitrator ends a dispute.
#[contracttype]
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum Resolution {
    ToBeneficiary,
    ToDepositor,
    /// Basis points of the amount that go to the beneficiary; the rest is
    /// refunded to the depositor.
    Split(u32),
}

/// An escrow as stored: the terms, plus who approved and where it stands.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Escrow {
    pub depositor: Address,
    pub beneficiary: Address,
    pub token: Address,
    // What arrived in this contract at creation (a fee-charging token
    // delivers less than the terms' amount): what the escrow pays out.
    pub amount: i128,
    pub signers: Vec<Signer>,
    pub threshold: u32,
    /// Bit `i` is set once `signers[i]` approved.
    pub approvals: u32,
    pub approved_weight: u32,
    pub release_after: Option<u64>,
    pub refund_after: Option<u64>,
    pub arbitrator: Option<Address>,
    pub dispute_timeout: u64,
    // Set by `dispute`: from this ledger timestamp the arbitrator can no
    // longer resolve and either party may settle.
    pub dispute_deadline: Option<u64>,
    pub course_id: u64,
    pub status: EscrowStatus,
    pub created_at: u64,
}
