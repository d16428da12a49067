//! Typed refusals of the rewards contract.
use soroban_sdk::contracterror;

#[contracterror]
#[derive(Copy, Clone, Debug, Eq, PartialEq, PartialOrd, Ord)]
#[repr(u32)]
pub enum Error {
    /// The caller authorized but lacks the role the action needs (issuer, emergency).
    Unauthorized = 1,
    /// Issuing, claiming and withdrawing are paused by the emergency role.
    Paused = 2,
    /// The amount must be positive.
    InvalidAmount = 10,
    /// The funder holds less of the token than it offers.
    InsufficientFunds = 11,
    /// The pool's token balance does not cover the promised rewards plus this amount.
    InsufficientPool = 12,
    /// The learner has no unclaimed reward.
    NothingToClaim = 13,
    /// An issuer cannot reward itself, and the pool cannot be a learner.
    InvalidLearner = 14,
    /// An arithmetic result does not fit.
    Overflow = 15,
}

teachlink_common::impl_from_common_error!(Error);
