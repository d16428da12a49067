//! Typed refusals of the bridge contract.
//!
//! A signature that does not verify is not among them: the host's
//! `ed25519_verify` aborts the invocation with `Error(Crypto, InvalidInput)`,
//! which a contract cannot catch. Everything that can be checked without the
//! signatures (the active set's floor, unknown or inactive validators,
//! duplicates, a quorum short of stake, mismatched evidence) is refused with
//! a code below before any signature is verified.
use soroban_sdk::contracterror;

#[contracterror]
#[derive(Copy, Clone, Debug, Eq, PartialEq, PartialOrd, Ord)]
#[repr(u32)]
pub enum Error {
    // The caller authorized but lacks the role or ownership needed.
    Unauthorized = 101,
    // The whole bridge is paused by its emergency role.
    Paused = 102,
    // No pending proposal matches the operation and its arguments.
    NotProposed = 103,
    // The proposal's timelock delay has not passed.
    TimelockNotReady = 104,
    // The operation with these arguments is already proposed.
    AlreadyProposed = 105,
    // The timelock delay is over 30 days.
    InvalidDelay = 106,
    // Constructor settings out of range.
    InvalidConfig = 110,
    // Amounts must be positive.
    InvalidAmount = 111,
    // The stake is below the bridge's `min_stake`.
    StakeTooLow = 112,
    // This address is already registered (or was slashed).
    ValidatorExists = 113,
    // No validator is registered at this address.
    ValidatorNotFound = 114,
    // The validator is not active.
    ValidatorNotActive = 115,
    // The validator is already active.
    ValidatorAlreadyActive = 116,
    // The validator is unbonding or slashed.
    ValidatorLeaving = 117,
    // The active set is full (`max_validators`).
    TooManyValidators = 118,
    // The validator is not unbonding.
    NotUnbonding = 119,
    // The unbonding period has not passed.
    UnbondingNotOver = 120,
    // The chain is this chain, or is not configured.
    UnsupportedChain = 121,
    // Limits must be positive with `per_transfer <= per_day`.
    InvalidLimits = 122,
    // Transfers with this chain are paused.
    ChainPaused = 123,
    // The amount is over the chain's per-transfer limit.
    TransferLimitExceeded = 124,
    // The amount would take the chain over its rolling 24-hour limit.
    DailyLimitExceeded = 125,
    // The recipient is empty or longer than `MAX_RECIPIENT_LEN` bytes.
    InvalidRecipient = 126,
    // No outbound transfer has this nonce.
    TransferNotFound = 127,
    // The outbound transfer was already confirmed or refunded.
    TransferNotPending = 128,
    // The refund time (expiry plus one timeout) has not come.
    RefundTooEarly = 129,
    // The message's destination is not this chain.
    WrongDestination = 130,
    // The message names a token this bridge does not carry.
    WrongToken = 131,
    // The message's expiry has passed.
    MessageExpired = 132,
    // This (source chain, nonce) was already completed.
    AlreadyCompleted = 133,
    // Two attestations by the same validator.
    DuplicateAttestation = 134,
    // Attested stake is not more than two thirds of the active stake.
    QuorumNotReached = 135,
    // Free liquidity (balance minus stakes and pending locks) is too low.
    InsufficientLiquidity = 136,
    // The two pieces of evidence do not name the same validator.
    EvidenceValidatorMismatch = 137,
    // The two messages are not for the same (source chain, nonce), or are
    // identical: no equivocation.
    NotConflicting = 138,
    // An arithmetic result does not fit.
    Overflow = 139,
    // The validator was already slashed.
    AlreadySlashed = 140,
    // Fewer active validators or less active stake than the configured floor.
    ActiveSetTooSmall = 141,
    // The message's source bridge is not the one configured for its chain.
    WrongSourceBridge = 142,
}

teachlink_common::impl_from_common_error!(Error);
