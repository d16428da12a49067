//! Records kept by the pool and the summary it reports.
use soroban_sdk::contracttype;

/// Pool-wide counters. `unclaimed` is what the pool still owes, so the
/// token balance must never fall below it.
#[contracttype]
#[derive(Clone, Debug, Default, Eq, PartialEq)]
pub struct Totals {
    /// Issued and not yet claimed, over all learners.
    pub unclaimed: i128,
    /// Everything ever issued.
    pub issued: i128,
    /// Everything ever paid out to learners.
    pub claimed: i128,
    /// Everything the admin took back unclaimed, so
    /// `issued == unclaimed + claimed + revoked`.
    pub revoked: i128,
}

/// One learner's rewards: owed now, and paid out so far.
#[contracttype]
#[derive(Clone, Debug, Default, Eq, PartialEq)]
pub struct LearnerRewards {
    pub unclaimed: i128,
    pub claimed: i128,
}

/// The pool as a client sees it.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct PoolInfo {
    /// The contract's token balance, read from the token.
    pub balance: i128,
    /// Issued and not yet claimed.
    pub total_unclaimed: i128,
    /// What may still be issued or withdrawn: `balance - total_unclaimed`.
    pub available: i128,
    pub total_issued: i128,
    pub total_claimed: i128,
    pub total_revoked: i128,
}
