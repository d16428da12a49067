//! Typed refusals of the rewards contract.
use soroban_sdk::contracterror;

#[contracterror]
#[derive(Copy, Clone, Debug, Eq, PartialEq, PartialOrd, Ord)]
#[repr(u32)]
pub enum Error {
    /// The caller authorized but lacks the role the action needs (issuer, emergency).
    Unauthorized = 101,
    /// Issuing, claiming and withdrawing are paused by the emergency role.
    Paused = 102,
    /// No pending proposal matches the operation and its arguments.
    NotProposed = 103,
    /// The proposal's timelock delay has not passed.
    TimelockNotReady = 104,
    /// The operation with these arguments is already proposed.
    AlreadyProposed = 105,
    /// The timelock delay is over 30 days.
    InvalidDelay = 106,
    /// The amount must be positive.
    InvalidAmount = 110,
    /// The funder holds less of the token than it offers.
    InsufficientFunds = 111,
    /// The pool's token balance does not cover the promised rewards plus this amount.
    InsufficientPool = 112,
    /// The learner has no unclaimed reward.
    NothingToClaim = 113,
    /// An issuer cannot reward itself, and the pool cannot be a learner.
    InvalidLearner = 114,
    /// An arithmetic result does not fit.
    Overflow = 115,
    /// The issuer's allowance (set by the admin) does not cover this amount.
    AllowanceExceeded = 116,
    /// The learner's unclaimed reward is smaller than the amount to revoke.
    RevokeExceedsUnclaimed = 117,
}

teachlink_common::impl_from_common_error!(Error);
