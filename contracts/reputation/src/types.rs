//! Records kept per learner and per contribution.
use soroban_sdk::{contracttype, Address, BytesN, Symbol};

/// Everything the scores are computed from, plus the scores themselves.
///
/// Stored once per learner and updated in place; the scores are refreshed
/// on every write and recomputed by every query, so they always follow the
/// formula of the running code (see [`crate::score`]).
#[contracttype]
#[derive(Clone, Debug, Default, Eq, PartialEq)]
pub struct Profile {
    /// Distinct courses an issuer recorded as completed.
    pub completions: u32,
    /// Sum of those completions' `score_pct` (each 0..=100).
    pub completion_score_sum: u64,
    /// Contributions this learner recorded.
    pub contributions: u32,
    /// Ratings other addresses gave this learner's contributions.
    pub ratings_received: u32,
    /// Sum of those ratings (each 1..=5).
    pub rating_sum: u64,
    /// Sum of those ratings' weights (each 1..=`score::MAX_RATER_WEIGHT`).
    pub rating_weight: u64,
    /// Sum of weight × stars over those ratings; the score's average rating
    /// is `weighted_rating_sum / rating_weight`.
    pub weighted_rating_sum: u64,
    /// 0..=`score::MAX_REPUTATION`.
    pub reputation: u32,
    /// 0..=`score::MAX_CREDIT_SCORE`.
    pub credit_score: u32,
}

/// A learner's self-recorded contribution (an answer, a tutorial, a
/// review...), rated by others.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Contribution {
    pub author: Address,
    /// Free-form category chosen by the author, e.g. `tutorial`.
    pub kind: Symbol,
    /// Hash of the off-chain content, so a rating refers to fixed content.
    pub reference: BytesN<32>,
    /// Ledger timestamp of recording.
    pub recorded_at: u64,
    /// Ratings received so far.
    pub ratings: u32,
    /// Sum of those ratings; the average is `rating_sum / ratings`.
    pub rating_sum: u64,
}
